/* gst-libp2p: small GStreamer helpers of no room in particular */
#ifndef __GST_LIBP2P_UTIL_H__
#define __GST_LIBP2P_UTIL_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* TRUE when the plugin @name is loaded with a version in [from, to). */
gboolean gst_libp2p_plugin_version_in (const gchar * name, guint from_major,
    guint from_minor, guint from_micro, guint to_major, guint to_minor,
    guint to_micro);
/* @child is an element whose parent is @parent (both may be anything). */
gboolean gst_libp2p_is_child (gpointer child, gpointer parent);
/* Stops @bin (locked in NULL) and removes it from @parent. */
void gst_libp2p_bin_take_out (GstElement * parent, GstElement * bin);
/* @element's static pad @name is linked. */
gboolean gst_libp2p_pad_is_linked (GstElement * element, const gchar * name);

/* What a signal handler needs: the caller's function table and data (a
 * reference, dropped with the last handler), and who connected it. */
typedef struct
{
  gint ref;
  gpointer owner;
  gconstpointer funcs;
  gpointer data;
  GDestroyNotify unref;
} GstLibp2pHook;

GstLibp2pHook *gst_libp2p_hook_new (gconstpointer funcs, gpointer data,
    gpointer (*ref) (gpointer), GDestroyNotify unref);
void gst_libp2p_hook_unref (GstLibp2pHook * h);
/* Connects @cb to @instance's @signal with @h (a reference of its own). */
gulong gst_libp2p_hook_connect (gpointer instance, const gchar * signal,
    GCallback cb, GstLibp2pHook * h);

G_END_DECLS

#endif
