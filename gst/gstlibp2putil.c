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
gst_libp2p_webrtc_has_bug (GstLibp2pWebrtcBug bug)
{
  static gsize once = 0;
  static gboolean keeps, undrained;

  if (g_once_init_enter (&once)) {
    keeps = gst_libp2p_plugin_version_in ("webrtc", 1, 22, 0, 1, 25, 1);
    undrained = gst_libp2p_plugin_version_in ("webrtc", 1, 22, 0, 1, 23, 1);
    g_once_init_leave (&once, 1);
  }
  return bug == GST_LIBP2P_WEBRTC_KEEPS_CLOSED_BINS ? keeps : undrained;
}

GstLibp2pPending *
gst_libp2p_pending_new (gpointer owner, gpointer func, gpointer data,
    GDestroyNotify free_data)
{
  GstLibp2pPending pd = { owner, func, data, free_data, NULL };

  return g_memdup2 (&pd, sizeof (pd));
}

void
gst_libp2p_pending_free (gpointer p)
{
  GstLibp2pPending *pd = p;

  if (pd->free_data)
    pd->free_data (pd->data);
  g_free (pd->answer);
  g_free (pd);
}

gboolean
gst_libp2p_is_child (gpointer child, gpointer parent)
{
  return GST_IS_ELEMENT (child) && gst_object_has_as_parent (child, parent);
}

/* GstBin's handling of an ERROR marks each bin it passes with a failed
 * state change (GST_STATE_RETURN FAILURE).  An ERROR its owner absorbs
 * must not leave that mark: a later same-state change returns it
 * ("already in the state"), and a PAUSED->PAUSED comes when a pipeline's
 * iteration resyncs on its way to NULL, which then fails with every
 * streaming thread running (docs/element.md).  Clears the marks between
 * @src and @top (exclusive). */
void
gst_libp2p_clear_error_marks (GstObject * top, GstObject * src)
{
  GstObject *o = gst_object_get_parent (src);

  while (o && o != top) {
    GstObject *up;

    if (GST_IS_ELEMENT (o)) {
      GST_OBJECT_LOCK (o);
      if (GST_STATE_RETURN (o) == GST_STATE_CHANGE_FAILURE)
        GST_STATE_RETURN (o) = GST_STATE_CHANGE_SUCCESS;
      GST_OBJECT_UNLOCK (o);
    }
    up = gst_object_get_parent (o);
    gst_object_unref (o);
    o = up;
  }
  if (o)
    gst_object_unref (o);
}

void
gst_libp2p_bin_take_out (GstElement * parent, GstElement * bin)
{
  gst_element_set_locked_state (bin, TRUE);
  gst_element_set_state (bin, GST_STATE_NULL);
  gst_bin_remove (GST_BIN (parent), bin);
}

typedef struct
{
  gint ref;                     /* ours and the probe's */
  GMutex lock;
  GCond cond;
  gboolean passed;
} Drain;

static void
drain_unref (gpointer data)
{
  Drain *d = data;

  if (!g_atomic_int_dec_and_test (&d->ref))
    return;
  g_mutex_clear (&d->lock);
  g_cond_clear (&d->cond);
  g_free (d);
}

static GstPadProbeReturn
drain_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Drain *d = data;

  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_EOS) {
    g_mutex_lock (&d->lock);
    d->passed = TRUE;
    g_cond_broadcast (&d->cond);
    g_mutex_unlock (&d->lock);
  }
  return GST_PAD_PROBE_OK;
}

gboolean
gst_libp2p_is_factory (GstElement * element, const gchar * name)
{
  GstElementFactory *f = gst_element_get_factory (element);

  return f != NULL && g_str_equal (GST_OBJECT_NAME (f), name);
}

gboolean
gst_libp2p_appsrc_drain (GstElement * appsrc, gint64 timeout_us)
{
  gint64 end = g_get_monotonic_time () + timeout_us;
  GstFlowReturn ret = GST_FLOW_ERROR;
  gboolean passed;
  GstPad *src;
  gulong probe;
  Drain *d;

  if (!gst_libp2p_is_factory (appsrc, "appsrc") ||
      (src = gst_element_get_static_pad (appsrc, "src")) == NULL)
    return FALSE;
  d = g_new0 (Drain, 1);
  d->ref = 2;
  g_mutex_init (&d->lock);
  g_cond_init (&d->cond);
  probe = gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      drain_probe, d, drain_unref);
  g_signal_emit_by_name (appsrc, "end-of-stream", &ret);
  g_mutex_lock (&d->lock);
  while (ret == GST_FLOW_OK && !d->passed && g_get_monotonic_time () < end) {
    /* nothing will pass once the pad lost its peer or its task stopped */
    if (!gst_pad_is_linked (src) ||
        gst_pad_get_task_state (src) != GST_TASK_STARTED)
      break;
    g_cond_wait_until (&d->cond, &d->lock, MIN (end,
            g_get_monotonic_time () + 5 * G_TIME_SPAN_MILLISECOND));
  }
  passed = d->passed;
  g_mutex_unlock (&d->lock);
  gst_pad_remove_probe (src, probe);
  gst_object_unref (src);
  drain_unref (d);
  return passed;
}

gchar *
gst_libp2p_promise_error (GstPromise * promise)
{
  const GstStructure *reply;
  GError *err = NULL;
  gchar *msg = NULL;

  if (gst_promise_wait (promise) != GST_PROMISE_RESULT_REPLIED)
    return g_strdup ("interrupted");
  reply = gst_promise_get_reply (promise);
  if (reply && gst_structure_has_field (reply, "error")) {
    gst_structure_get (reply, "error", G_TYPE_ERROR, &err, NULL);
    msg = g_strdup (err ? err->message : "unknown error");
    g_clear_error (&err);
  }
  return msg;
}

GstPad *
gst_libp2p_peer_request_pad (GstElement * element, const gchar * name)
{
  GstPad *pad = gst_element_get_static_pad (element, name);
  GstPad *peer = pad ? gst_pad_get_peer (pad) : NULL;
  GstPadTemplate *templ = peer ? gst_pad_get_pad_template (peer) : NULL;

  if (peer && (templ == NULL ||
          GST_PAD_TEMPLATE_PRESENCE (templ) != GST_PAD_REQUEST))
    gst_clear_object (&peer);
  gst_clear_object (&templ);
  gst_clear_object (&pad);
  return peer;
}

void
gst_libp2p_release_request_pad (GstPad * pad)
{
  GstElement *owner = gst_pad_get_parent_element (pad);

  if (owner)
    gst_element_release_request_pad (owner, pad);
  gst_clear_object (&owner);
}

void
gst_libp2p_take_out_unfed (GstElement * parent, GPtrArray ** waiting,
    GMutex * lock, GQuark quark)
{
  g_autoptr (GPtrArray) done = g_ptr_array_new_with_free_func
      (g_object_unref);
  guint i;

  g_mutex_lock (lock);
  for (i = 0; i < (*waiting)->len;) {
    GPtrArray *bins = g_object_get_qdata (g_ptr_array_index (*waiting, i),
        quark);

    if (!gst_libp2p_pad_is_linked (g_ptr_array_index (bins, 1), "sink"))
      g_ptr_array_add (done, g_ptr_array_steal_index_fast (*waiting, i));
    else
      i++;
  }
  g_mutex_unlock (lock);
  for (i = 0; i < done->len; i++) {
    GPtrArray *bins = g_object_get_qdata (g_ptr_array_index (done, i),
        quark);

    gst_libp2p_bin_take_out (parent, g_ptr_array_index (bins, 1));
  }
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

GstLibp2pHook *
gst_libp2p_hook_ref (GstLibp2pHook * h)
{
  g_atomic_int_inc (&h->ref);
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
  return g_signal_connect_data (instance, signal, cb, gst_libp2p_hook_ref (h),
      hook_closure_unref, 0);
}

gboolean
gst_libp2p_going_down (GstElement * element)
{
  GstObject *o = gst_object_ref (GST_OBJECT (element));
  gboolean down = FALSE;

  while (o && !down) {
    GstObject *parent;

    GST_OBJECT_LOCK (o);
    down = GST_IS_ELEMENT (o) && GST_STATE_TARGET (o) < GST_STATE_PAUSED;
    parent = GST_OBJECT_PARENT (o) ? gst_object_ref (GST_OBJECT_PARENT (o)) :
        NULL;
    GST_OBJECT_UNLOCK (o);
    gst_object_unref (o);
    o = parent;
  }
  gst_clear_object (&o);
  return down;
}
