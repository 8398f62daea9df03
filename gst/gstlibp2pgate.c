/* gst-libp2p: the receive gate of one webrtcbin (docs/element.md,
 * "Backpressure")
 *
 * webrtcbin 1.22 gives the application no way to slow the remote down:
 * usrsctp hands every message to sctpdec at once, sctpdec's per-stream
 * queues are unbounded, and webrtcbin emits every message on its one
 * thread.  The SCTP receive window therefore never closes, and a slow
 * consumer used to cost either memory or the substream (reset at
 * receive-queue-size).  The one place where the remote can be held back
 * without losing anything is before usrsctp: an SCTP packet usrsctp has
 * not seen is not acknowledged, so the remote keeps it in flight, stops
 * once its window is full and retransmits it later (RFC 4960 §6.3).
 *
 * While the connection holds (a substream's receive queue is over its
 * high-water mark), the gate keeps every decrypted SCTP packet that
 * carries a DATA chunk (gst/libp2p/sctp.h's chunk walk) out of sctpdec,
 * in arrival order, up to GATE_MAX_BYTES; past that it drops them (the
 * remote retransmits).  Packets without DATA (SACKs for what we send,
 * HEARTBEATs, RE-CONFIG, ABORT, ...) always pass, so our own sending goes
 * on.  When the hold ends, the kept packets are handed to sctpdec from the
 * releasing thread, under sctpdec's stream lock like any other.
 *
 * The same holds for webrtcbin's own backlog: it emits every message on
 * its one thread through an unbounded task queue, which grows whenever
 * that thread is slower than usrsctp (two busy cores are enough).  The
 * gate counts the bytes of binary messages sctpdec pushes out (its src
 * pads' buffers, PPID 53) and the bytes the channels deliver
 * (gst_libp2p_gate_delivered); more than BACKLOG_MAX between the two
 * holds the gate too, until half of it is left.  A message webrtcbin
 * drops without emitting it (a closed channel's) would leave the count
 * too high for good, so a backlog hold with no delivery for
 * BACKLOG_STALE_MS forgets the count and opens.
 *
 * gate->lock is a leaf: taken under the connection's lock, never held
 * while calling into a pad.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlibp2pgate.h"
#include "gstlibp2putil.h"

#include "sctp.h"

#include <gst/sctp/sctpreceivemeta.h>

GST_DEBUG_CATEGORY_STATIC (libp2p_gate_debug);
#define GST_CAT_DEFAULT libp2p_gate_debug

/* what waits at most: the remote's window and its retransmissions (the
 * figure measured is in docs/element.md) */
#define GATE_MAX_BYTES (4 * 1024 * 1024)
#define BACKLOG_MAX (1024 * 1024)
#define BACKLOG_STALE_MS 250
/* RFC 8831 §8: WebRTC Binary */
#define PPID_BINARY 53

struct _GstLibp2pGate
{
  gint ref;
  GMutex lock;
  GstPad *sink;                 /* sctpdec's, watched, or NULL */
  gulong probe;
  gboolean stopped;
  GstElement *sctpdec;          /* for its pads and the release thread */
  gulong sig_pad;
  gboolean conn_hold;           /* asked by the connection */
  gboolean backlog_hold;
  gint64 backlog;               /* bytes out of sctpdec, not delivered */
  gint64 last_delivery_us;
  GstClockID stale_timer;
  guint seq;                    /* of the last gst_libp2p_gate_set applied */
  GQueue kept;                  /* GstBuffer */
  gsize kept_bytes;
  GThread *releasing;           /* handing kept packets to sctpdec */
  guint64 stat_held, stat_dropped, stat_backlog_holds;
  gsize stat_peak;
  gint64 stat_backlog_peak;
};

static void release_async (GstLibp2pGate * gate);

/* what the gate keeps out: held by the connection or by the backlog */
static inline gboolean
holding_locked (GstLibp2pGate * gate)
{
  return gate->conn_hold || gate->backlog_hold;
}

GstLibp2pGate *
gst_libp2p_gate_new (void)
{
  GstLibp2pGate *gate = g_new0 (GstLibp2pGate, 1);

  if (libp2p_gate_debug == NULL)
    GST_DEBUG_CATEGORY_INIT (libp2p_gate_debug, "libp2pgate", 0,
        "libp2p: the receive gate (backpressure before SCTP)");
  gate->ref = 1;
  g_mutex_init (&gate->lock);
  g_queue_init (&gate->kept);
  return gate;
}

static GstLibp2pGate *
gate_ref (GstLibp2pGate * gate)
{
  g_atomic_int_inc (&gate->ref);
  return gate;
}

void
gst_libp2p_gate_unref (GstLibp2pGate * gate)
{
  if (!g_atomic_int_dec_and_test (&gate->ref))
    return;
  g_queue_clear_full (&gate->kept, (GDestroyNotify) gst_buffer_unref);
  gst_clear_object (&gate->sink);
  gst_clear_object (&gate->sctpdec);
  if (gate->stale_timer)
    gst_clock_id_unref (gate->stale_timer);
  g_mutex_clear (&gate->lock);
  g_free (gate);
}

/* the thread that pushes into sctpdec (the transport's receive path) */
static GstPadProbeReturn
gate_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GstLibp2pGate *gate = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstMapInfo map;
  guint32 types;
  gsize size;

  if (buf == NULL)
    return GST_PAD_PROBE_OK;
  g_mutex_lock (&gate->lock);
  if (!holding_locked (gate) || gate->releasing == g_thread_self ()) {
    g_mutex_unlock (&gate->lock);
    return GST_PAD_PROBE_OK;
  }
  g_mutex_unlock (&gate->lock);
  if (!gst_buffer_map (buf, &map, GST_MAP_READ))
    return GST_PAD_PROBE_OK;
  types = lp2p_sctp_chunk_types (map.data, map.size);
  size = map.size;
  gst_buffer_unmap (buf, &map);
  /* control only, or malformed (sctpdec judges it): on */
  if (!(types & (1u << LP2P_SCTP_CHUNK_DATA)))
    return GST_PAD_PROBE_OK;
  g_mutex_lock (&gate->lock);
  if (!holding_locked (gate)) {
    g_mutex_unlock (&gate->lock);
    return GST_PAD_PROBE_OK;
  }
  if (gate->kept_bytes + size > GATE_MAX_BYTES) {
    gate->stat_dropped++;
  } else {
    g_queue_push_tail (&gate->kept, gst_buffer_ref (buf));
    gate->kept_bytes += gst_buffer_get_size (buf);
    gate->stat_held++;
    gate->stat_peak = MAX (gate->stat_peak, gate->kept_bytes);
  }
  g_mutex_unlock (&gate->lock);
  /* (the probe's reference goes; the queue has its own) */
  return GST_PAD_PROBE_DROP;
}

/* ---- webrtcbin's backlog ---- */

static gboolean stale_check (GstClock * clock, GstClockTime t, GstClockID id,
    gpointer data);

static void
arm_stale_locked (GstLibp2pGate * gate)
{
  GstClock *clock = gst_system_clock_obtain ();

  if (gate->stale_timer) {
    gst_clock_id_unschedule (gate->stale_timer);
    gst_clock_id_unref (gate->stale_timer);
  }
  gate->stale_timer = gst_clock_new_single_shot_id (clock,
      gst_clock_get_time (clock) + BACKLOG_STALE_MS * GST_MSECOND);
  gst_clock_id_wait_async (gate->stale_timer, stale_check, gate_ref (gate),
      (GDestroyNotify) gst_libp2p_gate_unref);
  gst_object_unref (clock);
}

/* the clock's thread: a backlog hold with no delivery for a while */
static gboolean
stale_check (GstClock * clock, GstClockTime t, GstClockID id, gpointer data)
{
  GstLibp2pGate *gate = data;
  gboolean open = FALSE;

  g_mutex_lock (&gate->lock);
  if (gate->stale_timer != id || !gate->backlog_hold || gate->stopped) {
    g_mutex_unlock (&gate->lock);
    return TRUE;
  }
  if (g_get_monotonic_time () - gate->last_delivery_us >=
      BACKLOG_STALE_MS * 1000) {
    GST_DEBUG ("no message delivered for %d ms: the backlog's count (%"
        G_GINT64_FORMAT ") is forgotten", BACKLOG_STALE_MS, gate->backlog);
    gate->backlog = 0;
    gate->backlog_hold = FALSE;
    open = !holding_locked (gate);
  } else {
    arm_stale_locked (gate);
  }
  g_mutex_unlock (&gate->lock);
  if (open)
    release_async (gate);
  return TRUE;
}

/* sctpdec's stream task: one message out to webrtcbin */
static GstPadProbeReturn
stream_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GstLibp2pGate *gate = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstSctpReceiveMeta *meta = buf ? gst_sctp_buffer_get_receive_meta (buf) :
      NULL;

  if (meta == NULL || meta->ppid != PPID_BINARY)
    return GST_PAD_PROBE_OK;
  g_mutex_lock (&gate->lock);
  gate->backlog += gst_buffer_get_size (buf);
  gate->stat_backlog_peak = MAX (gate->stat_backlog_peak, gate->backlog);
  if (!gate->backlog_hold && gate->backlog > BACKLOG_MAX && !gate->stopped) {
    GST_DEBUG ("webrtcbin has %" G_GINT64_FORMAT " bytes to emit: holding",
        gate->backlog);
    gate->backlog_hold = TRUE;
    gate->stat_backlog_holds++;
    gate->last_delivery_us = g_get_monotonic_time ();
    arm_stale_locked (gate);
  }
  g_mutex_unlock (&gate->lock);
  return GST_PAD_PROBE_OK;
}

static void
on_stream_pad (GstElement * sctpdec, GstPad * pad, GstLibp2pGate * gate)
{
  if (GST_PAD_IS_SRC (pad))
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, stream_probe,
        gate_ref (gate), (GDestroyNotify) gst_libp2p_gate_unref);
}

void
gst_libp2p_gate_delivered (GstLibp2pGate * gate, gsize bytes)
{
  gboolean open = FALSE;

  g_mutex_lock (&gate->lock);
  gate->backlog = MAX (0, gate->backlog - (gint64) bytes);
  gate->last_delivery_us = g_get_monotonic_time ();
  if (gate->backlog_hold && gate->backlog <= BACKLOG_MAX / 2) {
    gate->backlog_hold = FALSE;
    open = !holding_locked (gate);
  }
  g_mutex_unlock (&gate->lock);
  /* (this is webrtcbin's thread: sctpdec's handlers may want its lock) */
  if (open)
    release_async (gate);
}

gboolean
gst_libp2p_gate_attach (GstLibp2pGate * gate, GstElement * sctpdec)
{
  GstPad *sink;
  gboolean ok;

  if (!gst_libp2p_is_factory (sctpdec, "sctpdec"))
    return FALSE;
  sink = gst_element_get_static_pad (sctpdec, "sink");
  if (sink == NULL)
    return FALSE;
  g_mutex_lock (&gate->lock);
  ok = gate->sink == NULL && !gate->stopped;
  if (ok) {
    gate->sink = gst_object_ref (sink);
    gate->sctpdec = gst_object_ref (sctpdec);
    gate->probe = gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_BUFFER,
        gate_probe, gate_ref (gate),
        (GDestroyNotify) gst_libp2p_gate_unref);
    /* (a stream's pad is added before its first buffer is pushed) */
    gate->sig_pad = g_signal_connect_data (sctpdec, "pad-added",
        G_CALLBACK (on_stream_pad), gate_ref (gate),
        (GClosureNotify) gst_libp2p_gate_unref, 0);
  }
  g_mutex_unlock (&gate->lock);
  gst_object_unref (sink);
  return ok;
}

/* Hands what was kept to sctpdec, in order, from this thread; again
 * while more was kept meanwhile and the gate is still open (a second
 * releasing thread leaves it to the first). */
static void
gate_release (GstLibp2pGate * gate)
{
  GstPad *sink;
  GstBuffer *buf;
  guint n = 0;

  g_mutex_lock (&gate->lock);
  if (gate->releasing || gate->sink == NULL || gate->stopped) {
    g_mutex_unlock (&gate->lock);
    return;
  }
  gate->releasing = g_thread_self ();
  sink = gst_object_ref (gate->sink);
  while (!holding_locked (gate) && !gate->stopped &&
      (buf = g_queue_pop_head (&gate->kept)) != NULL) {
    gate->kept_bytes -= gst_buffer_get_size (buf);
    g_mutex_unlock (&gate->lock);
    n++;
    /* sctpdec's stream lock orders this with the receive path; flushing
     * (the webrtcbin stops) drops it */
    gst_pad_chain (sink, buf);
    g_mutex_lock (&gate->lock);
  }
  gate->releasing = NULL;
  g_mutex_unlock (&gate->lock);
  GST_DEBUG ("released %u packets into %" GST_PTR_FORMAT, n, sink);
  gst_object_unref (sink);
}

static void
release_func (GstElement * sctpdec, gpointer data)
{
  gate_release (data);
}

static void
release_async (GstLibp2pGate * gate)
{
  GstElement *sctpdec = NULL;

  g_mutex_lock (&gate->lock);
  if (gate->sctpdec && !gate->stopped)
    sctpdec = gst_object_ref (gate->sctpdec);
  g_mutex_unlock (&gate->lock);
  if (sctpdec) {
    gst_element_call_async (sctpdec, release_func, gate_ref (gate),
        (GDestroyNotify) gst_libp2p_gate_unref);
    gst_object_unref (sctpdec);
  }
}

void
gst_libp2p_gate_set (GstLibp2pGate * gate, gboolean hold, guint seq)
{
  g_mutex_lock (&gate->lock);
  if (seq < gate->seq || gate->stopped) {
    g_mutex_unlock (&gate->lock);
    return;
  }
  gate->seq = seq;
  if (gate->conn_hold != hold)
    GST_DEBUG ("%s", hold ? "holding DATA" : "open again");
  gate->conn_hold = hold;
  hold = holding_locked (gate);
  g_mutex_unlock (&gate->lock);
  if (!hold)
    gate_release (gate);
}

void
gst_libp2p_gate_stop (GstLibp2pGate * gate)
{
  GstPad *sink;
  gulong probe;
  GstElement *sctpdec;
  gulong sig;

  g_mutex_lock (&gate->lock);
  gate->stopped = TRUE;
  gate->conn_hold = gate->backlog_hold = FALSE;
  sink = gate->sink;
  gate->sink = NULL;
  probe = gate->probe;
  sctpdec = gate->sctpdec;
  gate->sctpdec = NULL;
  sig = gate->sig_pad;
  if (gate->stale_timer) {
    gst_clock_id_unschedule (gate->stale_timer);
    gst_clock_id_unref (gate->stale_timer);
    gate->stale_timer = NULL;
  }
  g_queue_clear_full (&gate->kept, (GDestroyNotify) gst_buffer_unref);
  gate->kept_bytes = 0;
  g_mutex_unlock (&gate->lock);
  if (sink) {
    gst_pad_remove_probe (sink, probe);
    gst_object_unref (sink);
  }
  if (sctpdec) {
    g_signal_handler_disconnect (sctpdec, sig);
    gst_object_unref (sctpdec);
  }
}

void
gst_libp2p_gate_get_stats (GstLibp2pGate * gate, GstStructure * s)
{
  g_mutex_lock (&gate->lock);
  gst_structure_set (s, "receive-held-packets", G_TYPE_UINT64,
      gate->stat_held, "receive-dropped-packets", G_TYPE_UINT64,
      gate->stat_dropped, "receive-held-peak-bytes", G_TYPE_UINT64,
      (guint64) gate->stat_peak, "receive-backlog-holds", G_TYPE_UINT64,
      gate->stat_backlog_holds, "receive-backlog-peak-bytes", G_TYPE_UINT64,
      (guint64) gate->stat_backlog_peak, NULL);
  g_mutex_unlock (&gate->lock);
}
