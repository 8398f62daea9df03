/* gst-libp2p: the pads of a connection's substreams
 *
 *   src_<key>_<n>   made here when the substream opens; a task pops the
 *                   substream's queue and pushes downstream (EOS last);
 *   sink_<key>_<n>  requested from the element, bound here; its chain
 *                   waits (bounded) for the negotiation and for room in
 *                   the channel, frames the bytes and sends them.
 *
 * Waits: a sink pad not bound yet waits on its own pad->cond; a bound one
 * on its substream's ss->cond (woken by the negotiation, the end, and its
 * channel's buffered-amount-low); the src task on ss->src_cond.  All with
 * conn->lock (gstlibp2pconnection-priv.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlibp2pconnection-priv.h"
#include "gstlibp2pwebrtcbin.h"

#define GST_CAT_DEFAULT gst_libp2p_connection_debug

GstStaticPadTemplate gst_libp2p_src_template = GST_STATIC_PAD_TEMPLATE
    ("src_%s", GST_PAD_SRC, GST_PAD_SOMETIMES,
    GST_STATIC_CAPS ("application/x-libp2p-stream"));

GstLibp2pConnection *
gst_libp2p_connection_of_pad (GstLibp2pPad * lpad)
{
  GstLibp2pConnection *conn = NULL;

  GST_OBJECT_LOCK (lpad);
  if (lpad->connection)
    conn = gst_libp2p_connection_ref (lpad->connection);
  GST_OBJECT_UNLOCK (lpad);
  return conn;
}

static GstLibp2pConnection *
pad_get_connection (GstPad * pad)
{
  return gst_libp2p_connection_of_pad (GST_LIBP2P_PAD (pad));
}

static void
pad_set_from_substream_locked (GstLibp2pPad * lpad, Substream * ss)
{
  lpad->substream = ss;
  gst_libp2p_pad_set_info (lpad, ss->protocol, ss->outbound ?
      GST_LIBP2P_DIRECTION_OUTBOUND : GST_LIBP2P_DIRECTION_INBOUND,
      ss->channel_id, ss->id);
}

/* Our pads have no internal links: what flows in one substream is not
 * related to any other pad (default forwarding would loop through an
 * echo that links a src pad back to a sink pad). */
static GstIterator *
no_internal_links (GstPad * pad, GstObject * parent)
{
  return gst_iterator_new_single (GST_TYPE_PAD, NULL);
}

/* ---- src pads ---- */

/* Downstream returned @ret for a buffer: EOS = the reader is done
 * (STOP_SENDING), anything else ends the substream. */
static void
src_downstream_done_locked (Substream * ss, GstFlowReturn ret)
{
  GstLibp2pConnection *conn = ss->conn;
  Lp2pSubstreamActions act;

  if (ss->state != SS_OPEN)
    return;
  if (ret != GST_FLOW_EOS) {
    ss_end_locked (ss, gst_libp2p_error_new (GST_LIBP2P_ERROR_CLOSED,
            "downstream of substream %u failed: %s", ss->id,
            gst_flow_get_name (ret)), TRUE);
    return;
  }
  /* Downstream wants no more: tell the remote to stop sending. */
  lp2p_substream_stop_reading (&ss->hc, &act);
  g_mutex_unlock (&conn->lock);
  ss_send_flag (ss, act.send_flag);
  g_mutex_lock (&conn->lock);
  if (act.close_channel)
    ss_end_locked (ss, NULL, FALSE);
}

static void
src_loop (GstPad * pad)
{
  Substream *ss = GST_LIBP2P_PAD (pad)->substream;
  GstLibp2pConnection *conn = ss->conn;
  gpointer item;
  GstFlowReturn ret;

  g_mutex_lock (&conn->lock);
  /* nothing goes out before substream-opened's handlers linked the pad */
  while ((g_queue_is_empty (&ss->queue) || !ss->opened_reported) &&
      !ss->src_flushing)
    g_cond_wait (&ss->src_cond, &conn->lock);
  if (ss->src_flushing) {
    g_mutex_unlock (&conn->lock);
    gst_pad_pause_task (pad);
    return;
  }
  item = g_queue_pop_head (&ss->queue);
  if (item != EOS_MARKER)
    ss->queued_bytes -= gst_buffer_get_size (item);
  ss_unpress_locked (ss, FALSE);
  g_mutex_unlock (&conn->lock);

  if (item == EOS_MARKER) {
    gst_pad_push_event (pad, gst_event_new_eos ());
    g_mutex_lock (&conn->lock);
    ss->src_done = TRUE;
    /* Nobody writes on this substream: finish our half too. */
    if (ss->sinkpad == NULL)
      ss_close_write_locked (ss);
    ss_maybe_remove_locked (ss);
    g_mutex_unlock (&conn->lock);
    gst_pad_pause_task (pad);
    return;
  }

  GST_LOG_OBJECT (pad, "pushing %" G_GSIZE_FORMAT " bytes",
      gst_buffer_get_size (item));
  ret = gst_pad_push (pad, item);
  if (ret == GST_FLOW_OK || ret == GST_FLOW_NOT_LINKED)
    return;
  if (ret == GST_FLOW_FLUSHING) {
    gst_pad_pause_task (pad);
    return;
  }
  g_mutex_lock (&conn->lock);
  src_downstream_done_locked (ss, ret);
  ss->src_done = TRUE;
  ss_maybe_remove_locked (ss);
  g_mutex_unlock (&conn->lock);
  gst_pad_pause_task (pad);
}

static gboolean
src_activate_mode (GstPad * pad, GstObject * parent, GstPadMode mode,
    gboolean active)
{
  /* activated before it is added: no parent yet */
  Substream *ss = GST_LIBP2P_PAD (pad)->substream;

  if (mode != GST_PAD_MODE_PUSH)
    return FALSE;
  g_mutex_lock (&ss->conn->lock);
  ss->src_flushing = !active;
  g_cond_broadcast (&ss->src_cond);
  g_mutex_unlock (&ss->conn->lock);
  if (!active)
    return gst_pad_stop_task (pad);
  return TRUE;
}

static gboolean
src_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  if (GST_QUERY_TYPE (query) == GST_QUERY_SCHEDULING) {
    gst_query_set_scheduling (query, GST_SCHEDULING_FLAG_SEQUENTIAL, 1, -1, 0);
    gst_query_add_scheduling_mode (query, GST_PAD_MODE_PUSH);
    return TRUE;
  }
  return gst_pad_query_default (pad, parent, query);
}

static gboolean
src_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  /* upstream events (QoS, reconfigure, seeks) mean nothing here */
  gst_event_unref (event);
  return FALSE;
}

GstPad *
pads_new_src_locked (Substream * ss)
{
  g_autofree gchar *name = g_strdup_printf ("src_%s_%d", ss->key, ss->n);
  GstPadTemplate *templ = gst_static_pad_template_get
      (&gst_libp2p_src_template);
  GstLibp2pPad *lpad = g_object_new (GST_TYPE_LIBP2P_PAD, "name", name,
      "direction", GST_PAD_SRC, "template", templ, NULL);

  gst_object_unref (templ);
  pad_set_from_substream_locked (lpad, ss);
  gst_pad_set_activatemode_function (GST_PAD (lpad), src_activate_mode);
  gst_pad_set_query_function (GST_PAD (lpad), src_query);
  gst_pad_set_event_function (GST_PAD (lpad), src_event);
  gst_pad_set_iterate_internal_links_function (GST_PAD (lpad),
      no_internal_links);
  gst_pad_use_fixed_caps (GST_PAD (lpad));
  ss->srcpad = GST_PAD (lpad);
  if (ss->sinkpad)              /* protocol and channel are known now */
    pad_set_from_substream_locked (GST_LIBP2P_PAD (ss->sinkpad), ss);
  return ss->srcpad;
}

void
pads_push_sticky (Substream * ss, GstPad * src, const gchar * protocol)
{
  g_autofree gchar *stream_id = NULL;
  GstSegment seg;
  GstCaps *caps;

  gst_pad_set_active (src, TRUE);
  /* (gst_pad_create_stream_id() wants at most one sink pad on the element:
   * we have one per substream) */
  stream_id = g_strdup_printf ("libp2p/%08x/%u",
      ss->conn->settings.stream_id_base, ss->id);
  gst_pad_push_event (src, gst_event_new_stream_start (stream_id));
  caps = gst_caps_new_simple ("application/x-libp2p-stream", "protocol",
      G_TYPE_STRING, protocol, NULL);
  gst_pad_push_event (src, gst_event_new_caps (caps));
  gst_caps_unref (caps);
  gst_segment_init (&seg, GST_FORMAT_BYTES);
  gst_pad_push_event (src, gst_event_new_segment (&seg));
}

void
pads_start_src_task_locked (Substream * ss)
{
  if (!ss->src_flushing && ss->srcpad) {
    ss->src_started = TRUE;
    gst_pad_start_task (ss->srcpad, (GstTaskFunction) src_loop, ss->srcpad,
        NULL);
  }
}

/* ---- sink pads ---- */

void
pads_bind_sink_locked (GstLibp2pPad * pad, Substream * ss)
{
  pad_set_from_substream_locked (pad, ss);
  ss->sinkpad = GST_PAD (pad);
  g_cond_broadcast (&pad->cond);
}

/* Waits until @ss may carry data or has ended.  Returns GST_FLOW_OK when
 * writable.  Bounded: the negotiation timer ends the substream; a release
 * of the pad (gst_element_remove_pad() does not deactivate it) ends the
 * wait with FLUSHING, as a deactivation does. */
static GstFlowReturn
sink_wait_writable_locked (GstPad * pad, Substream * ss)
{
  for (;;) {
    if (GST_PAD_IS_FLUSHING (pad))
      return GST_FLOW_FLUSHING;
    /* a clean close ends the stream; a failure (reset, the connection
     * lost, a refusal) is an error */
    if (ss->state == SS_DONE)
      return ss->was_open && ss->error == NULL ? GST_FLOW_EOS :
          GST_FLOW_ERROR;
    if (ss->sinkpad != pad)
      return GST_FLOW_FLUSHING;
    if (ss->state == SS_OPEN)
      return lp2p_substream_can_write (&ss->hc) ? GST_FLOW_OK : GST_FLOW_EOS;
    if (ss->state == SS_NEGOTIATING && ss->neg_sent &&
        lp2p_mss_is_writable (ss->mss))
      return GST_FLOW_OK;
    g_cond_wait (&ss->cond, &ss->conn->lock);
  }
}

/* The substream of a sink pad, waiting while the pad is not bound yet.
 * Returns a reference, or NULL + @flow when flushing or when its substream
 * ended and left the pad. */
static Substream *
sink_get_substream_locked (GstLibp2pConnection * conn, GstPad * pad,
    GstFlowReturn * flow)
{
  GstLibp2pPad *lpad = GST_LIBP2P_PAD (pad);

  while (lpad->substream == NULL && !lpad->unbound &&
      !GST_PAD_IS_FLUSHING (pad))
    g_cond_wait (&lpad->cond, &conn->lock);
  if (lpad->substream)
    return ss_ref (lpad->substream);
  *flow = lpad->unbound && !GST_PAD_IS_FLUSHING (pad) ? lpad->end_flow :
      GST_FLOW_FLUSHING;
  return NULL;
}

/* Waits while the channel holds more than send-high-water, until its
 * buffered-amount-low or a re-check.  Returns with conn->lock released. */
static GstFlowReturn
sink_wait_room (GstPad * pad, Substream * ss)
{
  GstLibp2pConnection *conn = ss->conn;
  GstFlowReturn ret;

  for (;;) {
    guint64 amount = 0;
    gboolean have = FALSE;

    g_mutex_lock (&ss->send_lock);
    if (ss->channel) {
      amount = gst_libp2p_channel_get_buffered_amount (ss->channel);
      have = TRUE;
    }
    g_mutex_unlock (&ss->send_lock);
    g_mutex_lock (&conn->lock);
    ret = sink_wait_writable_locked (pad, ss);
    if (ret != GST_FLOW_OK || !have ||
        amount <= conn->settings.send_high_water) {
      g_mutex_unlock (&conn->lock);
      return ret;
    }
    g_cond_wait_until (&ss->cond, &conn->lock,
        g_get_monotonic_time () + LP2P_BACKPRESSURE_POLL);
    g_mutex_unlock (&conn->lock);
  }
}

static GstFlowReturn
sink_send_frames (GstPad * pad, Substream * ss, const guint8 * data,
    gsize size)
{
  GstLibp2pConnection *conn = ss->conn;
  gsize chunk = lp2p_frame_max_payload (conn->settings.max_frame_size);
  GstFlowReturn ret = GST_FLOW_OK;
  gsize off = 0;

  while (off < size && ret == GST_FLOW_OK) {
    gsize n = MIN (chunk, size - off);
    g_autoptr (GBytes) frame = lp2p_frame_encode (LP2P_FLAG_NONE, data + off,
        n);
    g_autoptr (GError) err = NULL;
    gboolean sent;

    GST_LOG_OBJECT (pad, "sending %" G_GSIZE_FORMAT " bytes", n);
    ret = sink_wait_room (pad, ss);
    if (ret != GST_FLOW_OK)
      break;
    g_mutex_lock (&ss->send_lock);
    sent = ss_send_frame_unlocked (ss, frame, &err);
    g_mutex_unlock (&ss->send_lock);
    g_mutex_lock (&conn->lock);
    if (!sent) {
      GST_INFO_OBJECT (pad, "send failed: %s", err->message);
      ss_end_locked (ss, gst_libp2p_error_new (GST_LIBP2P_ERROR_CLOSED,
              "sending on substream %u failed: %s", ss->id, err->message),
          FALSE);
      ret = GST_FLOW_ERROR;
    } else {
      ss->bytes_out += n;
      conn->stat_bytes_out += n;
      off += n;
    }
    g_mutex_unlock (&conn->lock);
  }
  return ret;
}

/* A lazy dialer's first buffer, arriving while its channel opens, goes
 * out on webrtcbin's thread right behind the proposal (ss_on_channel_open)
 * instead of after this thread's wake-up: that wake-up was on the path of
 * the first byte (open latency, docs/benchmarks.md §2).  Only a buffer of
 * one frame; the wait is the one sink_wait_writable_locked() bounds.
 * Returns FALSE (nothing handed over) or TRUE with @ret. */
static gboolean
sink_hand_over_locked (GstPad * pad, Substream * ss, GstBuffer * buf,
    GstFlowReturn * ret)
{
  gsize size = gst_buffer_get_size (buf);
  GstMapInfo map;

  if ((ss->state != SS_WAIT_CONNECT && ss->state != SS_OPENING) ||
      ss->first_frame || !lp2p_mss_is_writable (ss->mss) || size == 0 ||
      size > lp2p_frame_max_payload (ss->conn->settings.max_frame_size) ||
      GST_PAD_IS_FLUSHING (pad) || !gst_buffer_map (buf, &map, GST_MAP_READ))
    return FALSE;
  ss->first_frame = lp2p_frame_encode (LP2P_FLAG_NONE, map.data, map.size);
  ss->first_size = map.size;
  gst_buffer_unmap (buf, &map);
  *ret = sink_wait_writable_locked (pad, ss);
  if (ss->first_frame == NULL)
    return TRUE;
  /* not taken: the substream ended, or the pad flushes */
  g_clear_pointer (&ss->first_frame, g_bytes_unref);
  return *ret != GST_FLOW_OK;
}

static GstFlowReturn
sink_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  g_autoptr (GstLibp2pConnection) conn = pad_get_connection (pad);
  Substream *ss;
  GstFlowReturn ret;
  GstMapInfo map;
  gboolean handed = FALSE;

  if (conn == NULL) {
    gst_buffer_unref (buf);
    return GST_FLOW_FLUSHING;
  }
  g_mutex_lock (&conn->lock);
  ss = sink_get_substream_locked (conn, pad, &ret);
  if (ss)
    handed = sink_hand_over_locked (pad, ss, buf, &ret);
  if (ss && !handed)
    ret = sink_wait_writable_locked (pad, ss);
  g_mutex_unlock (&conn->lock);
  if (handed) {
    /* sent by on-open, or the substream ended: @ret says which */
  } else if (ret == GST_FLOW_OK && gst_buffer_map (buf, &map, GST_MAP_READ)) {
    ret = sink_send_frames (pad, ss, map.data, map.size);
    gst_buffer_unmap (buf, &map);
  } else if (ret == GST_FLOW_OK) {
    ret = GST_FLOW_ERROR;
  } else if (ret == GST_FLOW_ERROR && ss) {
    GST_INFO_OBJECT (pad, "substream %u failed: %s", ss->id,
        ss->error ? ss->error->message : "unknown");
  }
  gst_buffer_unref (buf);
  if (ss)
    ss_unref (ss);
  return ret;
}

/* EOS: our write half is done: FIN, then FIN_ACK awaited. */
static void
sink_finish_write (GstPad * pad, Substream * ss)
{
  GstLibp2pConnection *conn = ss->conn;

  g_mutex_lock (&conn->lock);
  if (sink_wait_writable_locked (pad, ss) == GST_FLOW_OK) {
    /* Lazy dial: FIN must follow the negotiation, wait for its end. */
    while (ss->state == SS_NEGOTIATING && !GST_PAD_IS_FLUSHING (pad))
      g_cond_wait (&ss->cond, &conn->lock);
    ss_close_write_locked (ss);
  }
  g_mutex_unlock (&conn->lock);
}

static gboolean
sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS) {
    g_autoptr (GstLibp2pConnection) conn = pad_get_connection (pad);
    Substream *ss = NULL;
    GstFlowReturn flow;

    if (conn) {
      g_mutex_lock (&conn->lock);
      ss = sink_get_substream_locked (conn, pad, &flow);
      g_mutex_unlock (&conn->lock);
    }
    if (ss) {
      sink_finish_write (pad, ss);
      ss_unref (ss);
    }
  }
  /* A byte stream: no other event crosses to the remote, and none may be
   * forwarded to our src pads (an echo links them back to us). */
  gst_event_unref (event);
  return TRUE;
}

static gboolean
sink_activate_mode (GstPad * pad, GstObject * parent, GstPadMode mode,
    gboolean active)
{
  g_autoptr (GstLibp2pConnection) conn = NULL;
  GstLibp2pPad *lpad = GST_LIBP2P_PAD (pad);

  if (!active && (conn = pad_get_connection (pad))) {
    /* Wake a chain waiting for its binding, the negotiation or room. */
    g_mutex_lock (&conn->lock);
    g_cond_broadcast (&lpad->cond);
    if (lpad->substream)
      ss_wake_writers_locked (lpad->substream);
    g_mutex_unlock (&conn->lock);
  }
  return mode == GST_PAD_MODE_PUSH;
}

GstPad *
gst_libp2p_connection_new_sink_pad (GstPadTemplate * templ,
    const gchar * name)
{
  GstPad *pad = g_object_new (GST_TYPE_LIBP2P_PAD, "name", name,
      "direction", GST_PAD_SINK, "template", templ, NULL);

  gst_pad_set_chain_function (pad, sink_chain);
  gst_pad_set_event_function (pad, sink_event);
  gst_pad_set_activatemode_function (pad, sink_activate_mode);
  gst_pad_set_iterate_internal_links_function (pad, no_internal_links);
  return pad;
}

/* ---- receive backpressure ---- */

static gboolean
hold_expired (GstClock * clock, GstClockTime t, GstClockID id, gpointer data)
{
  GstLibp2pConnection *conn = data;
  GHashTableIter it;
  gpointer v;

  g_mutex_lock (&conn->lock);
  if (conn->hold_timer != id) {
    g_mutex_unlock (&conn->lock);
    return TRUE;
  }
  gst_clock_id_unref (conn->hold_timer);
  conn->hold_timer = NULL;
  g_hash_table_iter_init (&it, conn->substreams);
  while (g_hash_table_iter_next (&it, NULL, &v)) {
    Substream *ss = v;

    if (ss->pressing)
      ss_end_locked (ss, gst_libp2p_error_new (GST_LIBP2P_ERROR_OVERFLOW,
              "substream %u: the downstream of its src pad took nothing for "
              "%" GST_TIME_FORMAT " while %" G_GSIZE_FORMAT " bytes waited "
              "for it (receive-hold-timeout): reset", ss->id,
              GST_TIME_ARGS (conn->settings.receive_hold_timeout),
              ss->queued_bytes), TRUE);
  }
  g_mutex_unlock (&conn->lock);
  return TRUE;
}

/* under conn->lock, from webrtcbin's thread: the gate's lock is a leaf */
void
ss_press_locked (Substream * ss)
{
  GstLibp2pConnection *conn = ss->conn;

  if (ss->pressing || conn->settings.receive_hold_timeout == 0 ||
      ss->queued_bytes < conn->settings.receive_queue_size / 2 ||
      conn->rtc == NULL)
    return;
  ss->pressing = TRUE;
  if (conn->pressing++ > 0 || conn->holding)
    return;
  conn->holding = TRUE;
  conn->stat_holds++;
  conn->hold_since_us = conn_now_us ();
  GST_DEBUG ("channel %d: %" G_GSIZE_FORMAT " bytes queued: the connection "
      "holds its receive path", ss->channel_id, ss->queued_bytes);
  gst_libp2p_rtc_hold_receive (conn->rtc, TRUE, ++conn->hold_seq);
  conn_timer_cancel (&conn->hold_timer);
  conn->hold_timer = conn_timer_start (conn->settings.receive_hold_timeout,
      hold_expired, gst_libp2p_connection_ref (conn),
      (GDestroyNotify) gst_libp2p_connection_unref);
}

/* @ending: the substream ends (its queue no longer counts) */
void
ss_unpress_locked (Substream * ss, gboolean ending)
{
  GstLibp2pConnection *conn = ss->conn;

  if (!ss->pressing || (!ending &&
          ss->queued_bytes > conn->settings.receive_queue_size / 4))
    return;
  ss->pressing = FALSE;
  if (--conn->pressing > 0)
    return;
  conn_timer_cancel (&conn->hold_timer);
  /* the release hands the kept packets to sctpdec: not under our lock */
  conn_schedule_locked (conn, JOB_RELEASE, NULL, NULL);
}

/* the worker */
void
conn_job_release (GstLibp2pConnection * conn)
{
  GstLibp2pRtc *rtc = NULL;
  guint seq = 0;

  g_mutex_lock (&conn->lock);
  if (conn->pressing == 0 && conn->holding) {
    conn->holding = FALSE;
    conn->stat_held_time += (conn_now_us () - conn->hold_since_us) * 1000;
    seq = ++conn->hold_seq;
    rtc = conn->rtc ? gst_libp2p_rtc_ref (conn->rtc) : NULL;
  }
  g_mutex_unlock (&conn->lock);
  if (rtc) {
    GST_DEBUG ("the receive path is open again");
    gst_libp2p_rtc_hold_receive (rtc, FALSE, seq);
    gst_libp2p_rtc_unref (rtc);
  }
}

/* the connection stops (under conn->lock); the gate drops what it kept
 * when the webrtcbin's room closes */
void
conn_hold_stop (GstLibp2pConnection * conn)
{
  conn_timer_cancel (&conn->hold_timer);
  conn->pressing = 0;
  conn->holding = FALSE;
}

void
conn_hold_stats (GstLibp2pConnection * conn, GstStructure * s)
{
  guint64 holds = 0;
  GstClockTime held_time = 0;
  GstLibp2pRtc *rtc = NULL;

  if (conn) {
    g_mutex_lock (&conn->lock);
    holds = conn->stat_holds;
    held_time = conn->stat_held_time;
    rtc = conn->rtc ? gst_libp2p_rtc_ref (conn->rtc) : NULL;
    g_mutex_unlock (&conn->lock);
  }
  gst_structure_set (s, "receive-holds", G_TYPE_UINT64, holds,
      "receive-held-time", G_TYPE_UINT64, held_time, NULL);
  if (rtc) {
    gst_libp2p_rtc_receive_stats (rtc, s);
    gst_libp2p_rtc_unref (rtc);
  }
}
