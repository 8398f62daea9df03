/* gst-libp2p: small GStreamer helpers of no room in particular */
#ifndef __GST_LIBP2P_UTIL_H__
#define __GST_LIBP2P_UTIL_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* TRUE when the plugin @name is loaded with a version in [from, to). */
gboolean gst_libp2p_plugin_version_in (const gchar * name, guint from_major,
    guint from_minor, guint from_micro, guint to_major, guint to_minor,
    guint to_micro);
/* What the loaded webrtcbin does wrong, by its version (no API of it is
 * used here: gstlibp2pwebrtc.c works around them). */
typedef enum
{
  /* 1.22.0 .. 1.25.0: keeps closed channels' elements until it stops */
  GST_LIBP2P_WEBRTC_KEEPS_CLOSED_BINS,
  /* 1.22.0 .. 1.23.0: tears a closing channel down before its last
   * message went (fixed by 4c1de25e) */
  GST_LIBP2P_WEBRTC_CLOSES_UNDRAINED,
} GstLibp2pWebrtcBug;
gboolean gst_libp2p_webrtc_has_bug (GstLibp2pWebrtcBug bug);

/* A pending callback: its function, data (freed with @free_data by
 * gst_libp2p_pending_free) and who asked. */
typedef struct
{
  gpointer owner;
  gpointer func;
  gpointer data;
  GDestroyNotify free_data;
  gchar *answer;
} GstLibp2pPending;
GstLibp2pPending *gst_libp2p_pending_new (gpointer owner, gpointer func,
    gpointer data, GDestroyNotify free_data);
void gst_libp2p_pending_free (gpointer pending);

/* @element was made by the factory called @name (FALSE for an element
 * made without a factory). */
gboolean gst_libp2p_is_factory (GstElement * element, const gchar * name);

/* @child is an element whose parent is @parent (both may be anything). */
gboolean gst_libp2p_is_child (gpointer child, gpointer parent);
/* Clears the failed-state-change marks an absorbed ERROR left on the
 * bins between @src and @top (see the .c). */
void gst_libp2p_clear_error_marks (GstObject * top, GstObject * src);
/* Stops @bin (locked in NULL) and removes it from @parent. */
void gst_libp2p_bin_take_out (GstElement * parent, GstElement * bin);
/* Ends the stream of @appsrc after what it holds (its end-of-stream
 * signal) and waits until the EOS passed its src pad, i.e. every buffer
 * before it went through: at most @timeout_us, and not once its src pad
 * has no peer or its task stopped.  FALSE then, or when @appsrc is no
 * appsrc. */
gboolean gst_libp2p_appsrc_drain (GstElement * appsrc, gint64 timeout_us);
/* Waits for @promise: NULL when it replied without an "error" field, else
 * the error's text ("interrupted" when it did not reply). */
gchar *gst_libp2p_promise_error (GstPromise * promise);
/* The peer of @element's static pad @name if it is a request pad (a
 * reference), else NULL. */
GstPad *gst_libp2p_peer_request_pad (GstElement * element,
    const gchar * name);
/* Its element releases request pad @pad (if it still has it). */
void gst_libp2p_release_request_pad (GstPad * pad);
/* Of the objects in *@waiting (read and changed under @lock), each holding
 * in its @quark data a GPtrArray whose element 1 is a bin: those whose
 * bin's "sink" pad is no longer linked leave it, their bin taken out of
 * @parent. */
void gst_libp2p_take_out_unfed (GstElement * parent, GPtrArray ** waiting,
    GMutex * lock, GQuark quark);
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
GstLibp2pHook *gst_libp2p_hook_ref (GstLibp2pHook * h);
void gst_libp2p_hook_unref (GstLibp2pHook * h);
/* Connects @cb to @instance's @signal with @h (a reference of its own). */
gulong gst_libp2p_hook_connect (gpointer instance, const gchar * signal,
    GCallback cb, GstLibp2pHook * h);

/* @element or one of its ancestors is being set below PAUSED (its target
 * state): a PLAYING -> PAUSED on the way down, not a pause. */
gboolean gst_libp2p_going_down (GstElement * element);

G_END_DECLS

#endif
