/* gst-libp2p: sctpenc's pad release and its stop, one at a time
 *
 * webrtcbin closes a data channel on its own thread: _close_sctp_stream
 * (webrtcdatachannel.c) releases the channel's sctpenc pad, and sctpenc's
 * release_pad resets the stream on its association:
 *
 *     if (self->sctp_association)
 *       gst_sctp_association_reset_stream (self->sctp_association, id);
 *
 * with no lock.  The element's PAUSED->READY runs meanwhile on the
 * application's thread (webrtcbin stops its own thread only at
 * READY->NULL) and ends in sctpenc_cleanup: force_close (usrsctp_close
 * frees the socket), unref of the association, and only then
 * sctp_association = NULL.  A release between the check and usrsctp's
 * lock of the socket uses freed memory: seen as a SIGSEGV in
 * pthread_mutex_lock under usrsctp_setsockopt, called from
 * gst_sctp_enc_release_pad on webrtcbin's thread, while the test tore its
 * pipeline down (tests/element/test-element, 1 run in 185 with
 * MALLOC_PERTURB_; once in CI).  GStreamer 1.22 .. main (2026-08) all
 * have it, so it is done for every version.
 *
 * Here: the first sctpenc seen gets its class's release_pad and
 * change_state wrapped (the class is GStreamer's, the wrapping ours, for
 * the process's lifetime), so that for each sctpenc a pad release and a
 * change between PAUSED and READY never overlap: a recursive lock per
 * element, kept in its qdata.  Neither side waits for ever: a release
 * that sctpenc's stop holds up may be the one that unblocks that stop (1.22
 * loops on EAGAIN in its chain until its pad is flushing, which only a
 * release does before 1.24), so after RELEASE_WAIT_MS the release goes on
 * alone as before, and a stop after STOP_WAIT_MS, each with a warning. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlibp2pencguard.h"
#include "gstlibp2putil.h"

GST_DEBUG_CATEGORY_STATIC (libp2p_enc_guard_debug);
#define GST_CAT_DEFAULT libp2p_enc_guard_debug

#define RELEASE_WAIT_MS 2000
#define STOP_WAIT_MS 5000
#define GUARD_QUARK g_quark_from_static_string ("gst-libp2p-enc-guard")

/* A recursive lock whose wait is bounded. */
typedef struct
{
  GMutex lock;
  GCond cond;
  GThread *owner;
  guint depth;
} Guard;

static GMutex guards_lock;      /* making an element's Guard */
static void (*enc_release_pad) (GstElement *, GstPad *);
static GstStateChangeReturn (*enc_change_state) (GstElement *,
    GstStateChange);

static void
guard_free (gpointer data)
{
  Guard *g = data;

  g_mutex_clear (&g->lock);
  g_cond_clear (&g->cond);
  g_free (g);
}

static Guard *
guard_get (GstElement * enc)
{
  Guard *g;

  g_mutex_lock (&guards_lock);
  g = g_object_get_qdata (G_OBJECT (enc), GUARD_QUARK);
  if (g == NULL) {
    g = g_new0 (Guard, 1);
    g_mutex_init (&g->lock);
    g_cond_init (&g->cond);
    g_object_set_qdata_full (G_OBJECT (enc), GUARD_QUARK, g, guard_free);
  }
  g_mutex_unlock (&guards_lock);
  return g;
}

/* TRUE once held; FALSE after @wait_ms (not held then). */
static gboolean
guard_enter (Guard * g, gint wait_ms)
{
  GThread *self = g_thread_self ();
  gint64 until = g_get_monotonic_time () + wait_ms * G_TIME_SPAN_MILLISECOND;
  gboolean held;

  g_mutex_lock (&g->lock);
  while (g->owner != NULL && g->owner != self &&
      g_cond_wait_until (&g->cond, &g->lock, until));
  held = g->owner == NULL || g->owner == self;
  if (held) {
    g->owner = self;
    g->depth++;
  }
  g_mutex_unlock (&g->lock);
  return held;
}

static void
guard_leave (Guard * g)
{
  g_mutex_lock (&g->lock);
  if (--g->depth == 0) {
    g->owner = NULL;
    g_cond_broadcast (&g->cond);
  }
  g_mutex_unlock (&g->lock);
}

static void
guarded_release_pad (GstElement * enc, GstPad * pad)
{
  Guard *g = guard_get (enc);
  gboolean held = guard_enter (g, RELEASE_WAIT_MS);

  if (!held)
    GST_WARNING_OBJECT (enc, "its stop still under way after %d ms: %s "
        "released beside it", RELEASE_WAIT_MS, GST_PAD_NAME (pad));
  enc_release_pad (enc, pad);
  if (held)
    guard_leave (g);
}

static GstStateChangeReturn
guarded_change_state (GstElement * enc, GstStateChange transition)
{
  GstStateChangeReturn ret;
  Guard *g;
  gboolean held;

  if (transition != GST_STATE_CHANGE_PAUSED_TO_READY &&
      transition != GST_STATE_CHANGE_READY_TO_PAUSED)
    return enc_change_state (enc, transition);
  g = guard_get (enc);
  held = guard_enter (g, STOP_WAIT_MS);
  if (!held)
    GST_WARNING_OBJECT (enc, "a pad release still under way after %d ms: "
        "%s beside it", STOP_WAIT_MS,
        gst_state_change_get_name (transition));
  ret = enc_change_state (enc, transition);
  if (held)
    guard_leave (g);
  return ret;
}

gboolean
gst_libp2p_enc_guard_attach (GstElement * element)
{
  static gsize wrapped = 0;

  if (!gst_libp2p_is_factory (element, "sctpenc"))
    return FALSE;
  if (g_once_init_enter (&wrapped)) {
    /* the class lives as long as the process: our reference is kept */
    GstElementClass *klass = g_type_class_ref (G_OBJECT_TYPE (element));

    GST_DEBUG_CATEGORY_INIT (libp2p_enc_guard_debug, "libp2pencguard", 0,
        "libp2p: sctpenc's pad release and its stop, one at a time");
    enc_release_pad = klass->release_pad;
    enc_change_state = klass->change_state;
    klass->release_pad = guarded_release_pad;
    klass->change_state = guarded_change_state;
    g_once_init_leave (&wrapped, 1);
  }
  return TRUE;
}
