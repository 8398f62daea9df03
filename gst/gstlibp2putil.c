/* gst-libp2p: small GStreamer helpers of no room in particular */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlibp2putil.h"

#include <stdio.h>

gboolean
gst_libp2p_plugin_version_in (const gchar * name, guint from_major,
    guint from_minor, guint from_micro, guint to_major, guint to_minor,
    guint to_micro)
{
  GstPlugin *p = gst_registry_find_plugin (gst_registry_get (), name);
  guint v[3] = { 0, 0, 0 };
  guint64 at, from, to;

  if (p == NULL)
    return FALSE;
  if (sscanf (gst_plugin_get_version (p), "%u.%u.%u", &v[0], &v[1],
          &v[2]) != 3)
    v[0] = 0;
  gst_object_unref (p);
  at = ((guint64) v[0] << 32) | (v[1] << 16) | v[2];
  from = ((guint64) from_major << 32) | (from_minor << 16) | from_micro;
  to = ((guint64) to_major << 32) | (to_minor << 16) | to_micro;
  return v[0] != 0 && at >= from && at < to;
}

gboolean
gst_libp2p_is_child (gpointer child, gpointer parent)
{
  return GST_IS_ELEMENT (child) && gst_object_has_as_parent (child, parent);
}

void
gst_libp2p_bin_take_out (GstElement * parent, GstElement * bin)
{
  gst_element_set_locked_state (bin, TRUE);
  gst_element_set_state (bin, GST_STATE_NULL);
  gst_bin_remove (GST_BIN (parent), bin);
}

gboolean
gst_libp2p_pad_is_linked (GstElement * element, const gchar * name)
{
  GstPad *pad = gst_element_get_static_pad (element, name);
  gboolean linked = pad && gst_pad_is_linked (pad);

  if (pad)
    gst_object_unref (pad);
  return linked;
}

GstLibp2pHook *
gst_libp2p_hook_new (gconstpointer funcs, gpointer data,
    gpointer (*ref) (gpointer), GDestroyNotify unref)
{
  GstLibp2pHook *h = g_new0 (GstLibp2pHook, 1);

  h->ref = 1;
  h->funcs = funcs;
  h->data = ref (data);
  h->unref = unref;
  return h;
}

void
gst_libp2p_hook_unref (GstLibp2pHook * h)
{
  if (g_atomic_int_dec_and_test (&h->ref)) {
    h->unref (h->data);
    g_free (h);
  }
}

static void
hook_closure_unref (gpointer p, GClosure * closure)
{
  gst_libp2p_hook_unref (p);
}

gulong
gst_libp2p_hook_connect (gpointer instance, const gchar * signal,
    GCallback cb, GstLibp2pHook * h)
{
  g_atomic_int_inc (&h->ref);
  return g_signal_connect_data (instance, signal, cb, h, hook_closure_unref,
      0);
}
