/* gst-libp2p: one substream of a connection
 *
 * A substream is one data channel.  Its life:
 *
 *   outbound: WAIT_CONNECT ─create─> OPENING ─on-open─> NEGOTIATING
 *   inbound:                          (on-data-channel) NEGOTIATING
 *   NEGOTIATING ─agreed─> OPEN ─both halves done / reset─> DONE
 *   any ─failure, timeout, close, stop─> DONE
 *
 * ss_end_locked() is the one way to DONE, whoever ends it (remote FIN and
 * FIN_ACK, reset, timeout, channel close, connection loss, stop); the
 * worker then sends RESET_STREAM if the core asked for it, releases the
 * channel and reports the outcome (conn_report()).
 *
 * Receiving runs on webrtcbin's thread and never blocks: frames are decoded
 * where they arrive, fed to multistream-select or to the half-close
 * machine, payloads wrapped (not copied) and queued for the src pad task;
 * replies (negotiation steps, FIN_ACK, what services send) are
 * collected and sent after the frames, under send_lock.
 * Locks and threads: gstlibp2pconnection-priv.h.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlibp2pconnection-priv.h"
#include "gstlibp2pwebrtcbin.h"

#define GST_CAT_DEFAULT gst_libp2p_connection_debug

const int lp2p_eos_marker;

Substream *
ss_ref (Substream * ss)
{
  g_atomic_int_inc (&ss->ref);
  return ss;
}

void
ss_unref (Substream * ss)
{
  gpointer item;

  if (!g_atomic_int_dec_and_test (&ss->ref))
    return;
  g_assert (ss->channel == NULL);
  g_assert (ss->timer == NULL);
  while ((item = g_queue_pop_head (&ss->queue)) != NULL)
    if (item != EOS_MARKER)
      gst_buffer_unref (item);
  if (ss->first_frame)
    g_bytes_unref (ss->first_frame);
  lp2p_mss_free (ss->mss);
  lp2p_frame_decoder_clear (&ss->dec);
  g_strfreev (ss->proposals);
  g_free (ss->protocol);
  g_free (ss->key);
  if (ss->svc_in)
    g_byte_array_unref (ss->svc_in);
  g_clear_error (&ss->error);
  g_cond_clear (&ss->cond);
  g_cond_clear (&ss->src_cond);
  g_mutex_clear (&ss->send_lock);
  gst_libp2p_connection_unref (ss->conn);
  g_free (ss);
}

static gpointer
ss_ref_gp (gpointer p)
{
  return ss_ref (p);
}

static void
ss_unref_gp (gpointer p)
{
  ss_unref (p);
}

Substream *
ss_new_locked (GstLibp2pConnection * conn, gboolean outbound)
{
  Substream *ss = g_new0 (Substream, 1);

  ss->ref = 1;
  /* the connection lives as long as any of its substreams: timers, channel
   * handlers and pads may hold a substream past the connection's stop */
  ss->conn = gst_libp2p_connection_ref (conn);
  ss->id = ++conn->next_id;
  ss->outbound = outbound;
  ss->channel_id = -1;
  ss->n = -1;
  lp2p_frame_decoder_init (&ss->dec, LP2P_FRAME_DEFAULT_MAX_BODY);
  /* the half-close machine exists from the start, so that a reset always
   * goes through it (the core's state and the wire agree) */
  lp2p_substream_init (&ss->hc, (gint64) (conn->settings.fin_ack_timeout /
          GST_USECOND));
  g_queue_init (&ss->queue);
  g_cond_init (&ss->cond);
  g_cond_init (&ss->src_cond);
  g_mutex_init (&ss->send_lock);
  g_hash_table_insert (conn->substreams, GUINT_TO_POINTER (ss->id), ss);
  return ss;
}

void
ss_wake_writers_locked (Substream * ss)
{
  g_cond_broadcast (&ss->cond);
}

/* ---- timers ---- */

static gboolean ss_timer_cb (GstClock * clock, GstClockTime time,
    GstClockID id, gpointer user_data);

void
ss_cancel_timer_locked (Substream * ss)
{
  conn_timer_cancel (&ss->timer);
}

void
ss_arm_timer_locked (Substream * ss, GstClockTime timeout)
{
  ss_cancel_timer_locked (ss);
  ss->timer = conn_timer_start (timeout, ss_timer_cb, ss_ref (ss),
      ss_unref_gp);
}

/* ---- sending ---- */

/* Sends one frame on @ss's channel.  Call with ss->send_lock held. */
gboolean
ss_send_frame_unlocked (Substream * ss, GBytes * frame, GError ** error)
{
  if (ss->channel == NULL) {
    g_set_error_literal (error, GST_LIBP2P_ERROR, GST_LIBP2P_ERROR_CLOSED,
        "the data channel is closed");
    return FALSE;
  }
  return gst_libp2p_channel_send (ss->channel, frame, error);
}

static void
ss_send_all_unlocked (Substream * ss, GPtrArray * to_send)
{
  guint i;

  for (i = 0; i < to_send->len; i++) {
    g_autoptr (GError) err = NULL;

    if (!ss_send_frame_unlocked (ss, g_ptr_array_index (to_send, i), &err))
      GST_DEBUG ("channel %d: frame not sent: %s", ss->channel_id,
          err->message);
  }
}

/* Sends @to_send in order, after anything sent before: takes send_lock
 * before dropping conn->lock (lock order), returns with conn->lock. */
void
ss_flush_locked (Substream * ss, GPtrArray * to_send)
{
  GstLibp2pConnection *conn = ss->conn;

  if (to_send->len == 0)
    return;
  g_mutex_lock (&ss->send_lock);
  g_mutex_unlock (&conn->lock);
  ss_send_all_unlocked (ss, to_send);
  g_mutex_unlock (&ss->send_lock);
  g_mutex_lock (&conn->lock);
  g_ptr_array_set_size (to_send, 0);
}

void
ss_send_flag (Substream * ss, gint flag)
{
  g_autoptr (GBytes) frame = NULL;
  g_autoptr (GError) err = NULL;

  if (flag == LP2P_FLAG_NONE)
    return;
  frame = lp2p_frame_encode (flag, NULL, 0);
  g_mutex_lock (&ss->send_lock);
  if (!ss_send_frame_unlocked (ss, frame, &err))
    GST_DEBUG ("channel %d: flag %d not sent: %s", ss->channel_id, flag,
        err->message);
  g_mutex_unlock (&ss->send_lock);
}

static GPtrArray *
frames_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
}

/* FIN (once) and its FIN_ACK deadline, appended to @to_send: the one place
 * our write half is closed (a sink pad's EOS or release, a src pad's EOS
 * with nobody writing, a service when it has said all). */
void
ss_close_write_to_locked (Substream * ss, GPtrArray * to_send)
{
  Lp2pSubstreamActions act;

  if (ss->state != SS_OPEN)
    return;
  lp2p_substream_close_write (&ss->hc, conn_now_us (), &act);
  if (act.send_flag == LP2P_FLAG_NONE)
    return;
  ss_arm_timer_locked (ss, ss->conn->settings.fin_ack_timeout);
  g_ptr_array_add (to_send, lp2p_frame_encode (act.send_flag, NULL, 0));
}

void
ss_close_write_locked (Substream * ss)
{
  g_autoptr (GPtrArray) to_send = frames_new ();

  ss_close_write_to_locked (ss, to_send);
  ss_flush_locked (ss, to_send);
}

/* ---- ending ---- */

static void
ss_queue_eos_locked (Substream * ss)
{
  if (!ss->eos_queued) {
    ss->eos_queued = TRUE;
    g_queue_push_tail (&ss->queue, EOS_MARKER);
    g_cond_broadcast (&ss->src_cond);
  }
}

/* @flag: what the core said to send as we end (RESET_STREAM or none). */
static void
ss_finish_locked (Substream * ss, GError * error, gint flag)
{
  GstLibp2pConnection *conn = ss->conn;

  if (ss->state == SS_DONE) {
    g_clear_error (&error);
    return;
  }
  if (conn->stopping && error) {
    /* webrtcbin closes the channels while the element stops: say so */
    g_clear_error (&error);
    error = conn_stopped_error ();
  }
  GST_DEBUG ("channel %d: substream %u ends: %s", ss->channel_id, ss->id,
      error ? error->message : "finished");
  ss->was_open = ss->state == SS_OPEN;
  ss->state = SS_DONE;
  ss->error = error;
  ss->send_reset = flag == LP2P_FLAG_RESET_STREAM;
  ss_cancel_timer_locked (ss);
  ss_unpress_locked (ss, TRUE);
  if (ss->was_open)
    ss_queue_eos_locked (ss);
  ss_wake_writers_locked (ss);
  svc_on_end_locked (ss);
  conn_schedule_locked (conn, JOB_END, ss, NULL);
}

void
ss_end_locked (Substream * ss, GError * error, gboolean reset)
{
  Lp2pSubstreamActions act = { 0 };

  if (reset && ss->state != SS_DONE)
    lp2p_substream_reset (&ss->hc, &act);
  ss_finish_locked (ss, error, reset ? act.send_flag : LP2P_FLAG_NONE);
}

void
ss_maybe_remove_locked (Substream * ss)
{
  /* a src pad that never carried data (a lazy dial refused) goes at once */
  if (ss->ended && !ss->removing && (ss->srcpad == NULL || ss->src_done ||
          !ss->src_started || !ss->opened_reported)) {
    ss->removing = TRUE;
    conn_schedule_locked (ss->conn, JOB_REMOVE, ss, NULL);
  }
}

/* ---- receiving ---- */

static gboolean
accept_cb (const gchar * protocol, gpointer user_data)
{
  Substream *ss = user_data;
  GstLibp2pConnection *conn = ss->conn;
  gboolean accept;

  /* ping and identify that 'protocols' does not claim are ours */
  if (svc_answers (conn, protocol))
    return ss->state == SS_NEGOTIATING;
  /* Called from lp2p_mss_feed() under conn->lock: never call out under it. */
  g_mutex_unlock (&conn->lock);
  accept = conn->owner->accept_protocol (conn->owner_data, protocol);
  g_mutex_lock (&conn->lock);
  return accept && ss->state == SS_NEGOTIATING;
}

/* Appends a payload for the src pad (webrtcbin's thread must not block):
 * past the high-water mark the connection's receive path is held; what
 * was already on its way fills the queue up to receive-queue-size, past
 * that the substream is reset. */
static void
ss_deliver_locked (Substream * ss, GstBuffer * buf)
{
  gsize size = gst_buffer_get_size (buf);
  GstLibp2pConnection *conn = ss->conn;
  guint limit = conn->settings.receive_queue_size;

  if (size == 0 || ss->eos_queued) {
    gst_buffer_unref (buf);
    return;
  }
  if (ss->queued_bytes + size > limit) {
    gst_buffer_unref (buf);
    GST_WARNING ("channel %d: receive queue over %u bytes", ss->channel_id,
        limit);
    ss_end_locked (ss, gst_libp2p_error_new (GST_LIBP2P_ERROR_OVERFLOW,
            "receive queue of substream %u overflowed (%u bytes): the "
            "downstream of its src pad is too slow", ss->id, limit), TRUE);
    return;
  }
  ss->bytes_in += size;
  conn->stat_bytes_in += size;
  ss->queued_bytes += size;
  g_queue_push_tail (&ss->queue, buf);
  ss_press_locked (ss);
  g_cond_signal (&ss->src_cond);
}

static GstBuffer *
wrap_payload (GBytes * msg, const Lp2pFrame * f)
{
  if (msg != NULL)
    return gst_buffer_new_wrapped_full (GST_MEMORY_FLAG_READONLY,
        (gpointer) f->data, f->size, 0, f->size, g_bytes_ref (msg),
        (GDestroyNotify) g_bytes_unref);
  return gst_buffer_new_memdup (f->data, f->size);
}

/* Payload of an open substream: to the src pad, or to its service. */
static void
ss_take_payload_locked (Substream * ss, const guint8 * data, gsize size,
    GstBuffer * buf, GPtrArray * to_send)
{
  if (ss->service != SVC_NONE)
    svc_on_payload_locked (ss, data, size, to_send);
  else
    ss_deliver_locked (ss, buf ? gst_buffer_ref (buf) :
        gst_buffer_new_memdup (data, size));
}

/* The negotiation succeeded: the one transition to OPEN.  An inbound ping
 * or identify that 'protocols' does not list is served inside (no pads). */
static void
ss_negotiated_locked (Substream * ss, GPtrArray * to_send)
{
  GstLibp2pConnection *conn = ss->conn;
  g_autoptr (GBytes) left = lp2p_mss_take_leftover (ss->mss);
  g_autofree gchar *key = NULL;

  g_free (ss->protocol);
  ss->protocol = g_strdup (lp2p_mss_get_protocol (ss->mss));
  if (!ss->outbound)
    ss->service = svc_for_inbound (conn, ss->protocol);
  ss->state = SS_OPEN;
  ss_cancel_timer_locked (ss);
  if (ss->service == SVC_NONE) {
    key = gst_libp2p_protocol_key (ss->protocol);
    /* a fallback or an inbound substream gets its key and number now */
    if (ss->key == NULL || !g_str_equal (ss->key, key)) {
      g_clear_pointer (&ss->key, g_free);
      conn_assign_key_locked (ss, ss->protocol, -1);
    }
    conn->stat_opened++;
  }
  GST_DEBUG ("channel %d: negotiated %s (substream %u, %s)", ss->channel_id,
      ss->protocol, ss->id, ss->service ? "served inside" : ss->key);
  if (ss->service != SVC_NONE)
    svc_on_open_locked (ss, to_send);
  if (g_bytes_get_size (left) > 0) {
    g_autoptr (GstBuffer) buf = gst_buffer_new_wrapped_bytes (left);

    ss_take_payload_locked (ss, g_bytes_get_data (left, NULL),
        g_bytes_get_size (left), buf, to_send);
  }
  ss_wake_writers_locked (ss);
  if (ss->service == SVC_NONE)
    conn_schedule_locked (conn, JOB_EXPOSE, ss, NULL);
}

static void
ss_handle_actions_locked (Substream * ss, const Lp2pSubstreamActions * act,
    GPtrArray * to_send)
{
  GstLibp2pConnection *conn = ss->conn;

  switch (act->event) {
    case LP2P_SUBSTREAM_EVENT_VIOLATION:
      ss_finish_locked (ss, gst_libp2p_error_new
          (GST_LIBP2P_ERROR_PROTOCOL_VIOLATION, "substream %u (%s): %s",
              ss->id, ss->protocol, act->reason), act->send_flag);
      return;
    case LP2P_SUBSTREAM_EVENT_FIN_ACK_TIMEOUT:
      ss_finish_locked (ss, gst_libp2p_error_new (GST_LIBP2P_ERROR_TIMEOUT,
              "no FIN_ACK for substream %u within %" GST_TIME_FORMAT, ss->id,
              GST_TIME_ARGS (conn->settings.fin_ack_timeout)), act->send_flag);
      return;
    default:
      break;
  }
  if (act->send_flag != LP2P_FLAG_NONE)
    g_ptr_array_add (to_send, lp2p_frame_encode (act->send_flag, NULL, 0));
  switch (act->event) {
    case LP2P_SUBSTREAM_EVENT_REMOTE_FIN:
      ss_queue_eos_locked (ss);
      if (ss->service != SVC_NONE)
        svc_on_remote_fin_locked (ss, to_send);
      break;
    case LP2P_SUBSTREAM_EVENT_STOP_SENDING:
    case LP2P_SUBSTREAM_EVENT_WRITE_CLOSED:
      ss_wake_writers_locked (ss);
      break;
    case LP2P_SUBSTREAM_EVENT_REMOTE_RESET:
      ss_end_locked (ss, gst_libp2p_error_new (GST_LIBP2P_ERROR_RESET,
              "the remote reset substream %u (%s)", ss->id, ss->protocol),
          FALSE);
      return;
    default:
      break;
  }
  if (act->close_channel)
    ss_end_locked (ss, NULL, FALSE);
}

/* A frame of an open substream: payload first, then its flag. */
static void
ss_on_open_frame_locked (Substream * ss, const Lp2pFrame * f, GBytes * msg,
    GPtrArray * to_send)
{
  Lp2pSubstreamActions act;

  lp2p_substream_on_frame (&ss->hc, f, &act);
  if (act.deliver && f->size > 0) {
    g_autoptr (GstBuffer) buf = ss->service ? NULL : wrap_payload (msg, f);

    ss_take_payload_locked (ss, f->data, f->size, buf, to_send);
  }
  ss_handle_actions_locked (ss, &act, to_send);
}

static void
ss_on_negotiating_frame_locked (Substream * ss, const Lp2pFrame * f,
    GPtrArray * to_send)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  Lp2pMssStatus st = lp2p_mss_feed_frame (ss->mss, f, out);

  if (ss->state != SS_NEGOTIATING)
    return;                     /* ended while the lock was dropped */
  if (out->len > 0)
    g_ptr_array_add (to_send, lp2p_frame_encode (LP2P_FLAG_NONE, out->data,
            out->len));
  switch (st) {
    case LP2P_MSS_NEED_MORE:
      break;
    case LP2P_MSS_SUCCESS:
      ss_negotiated_locked (ss, to_send);
      /* mss-webrtc-reference.md b.2: the frame's flag applies to the now
       * open substream, after the data that followed the confirmation */
      if (f->has_flag && ss->state == SS_OPEN) {
        Lp2pFrame flag_only = { TRUE, f->flag, NULL, 0 };

        ss_on_open_frame_locked (ss, &flag_only, NULL, to_send);
      }
      break;
    case LP2P_MSS_REJECTED:
      ss_end_locked (ss, gst_libp2p_error_new (GST_LIBP2P_ERROR_REFUSED,
              "%s", lp2p_mss_get_error (ss->mss)), FALSE);
      break;
    case LP2P_MSS_VIOLATION:
      ss_end_locked (ss, gst_libp2p_error_new
          (GST_LIBP2P_ERROR_PROTOCOL_VIOLATION, "multistream-select: %s",
              lp2p_mss_get_error (ss->mss)), TRUE);
      break;
  }
}

/* One frame of @ss.  @msg is the message it was decoded from when its
 * payload may be wrapped without a copy, else NULL. */
static void
ss_on_frame_locked (Substream * ss, const Lp2pFrame * f, GBytes * msg,
    GPtrArray * to_send)
{
  if (ss->state == SS_NEGOTIATING)
    ss_on_negotiating_frame_locked (ss, f, to_send);
  else if (ss->state == SS_OPEN)
    ss_on_open_frame_locked (ss, f, msg, to_send);
}

static gboolean
ss_reading (Substream * ss)
{
  return ss->state == SS_NEGOTIATING || ss->state == SS_OPEN;
}

static void
ss_frame_error_locked (Substream * ss, Lp2pFrameResult r)
{
  ss_end_locked (ss, gst_libp2p_error_new
      (GST_LIBP2P_ERROR_PROTOCOL_VIOLATION, "substream %u: bad frame: %s",
          ss->id, lp2p_frame_result_to_string (r)), TRUE);
}

/* Whole frames are decoded straight from the message and their payloads
 * wrapped, not copied; a partial tail is buffered. */
static void
ss_decode_message_locked (Substream * ss, GBytes * data, GPtrArray * to_send)
{
  gsize len, off = 0;
  const guint8 *d = g_bytes_get_data (data, &len);

  while (off < len && ss_reading (ss)) {
    Lp2pFrame f;
    gsize used = 0;
    Lp2pFrameResult r = lp2p_frame_decode (d + off, len - off,
        LP2P_FRAME_DEFAULT_MAX_BODY, &f, &used);

    if (r == LP2P_FRAME_NEED_MORE) {
      lp2p_frame_decoder_push (&ss->dec, d + off, len - off);
      break;
    }
    if (r != LP2P_FRAME_OK) {
      ss_frame_error_locked (ss, r);
      break;
    }
    off += used;
    ss_on_frame_locked (ss, &f, data, to_send);
  }
}

static void
ss_reassemble_locked (Substream * ss, GBytes * data, GPtrArray * to_send)
{
  Lp2pFrame f;
  Lp2pFrameResult r;
  gsize len;
  const guint8 *d = g_bytes_get_data (data, &len);

  lp2p_frame_decoder_push (&ss->dec, d, len);
  while (ss_reading (ss) &&
      (r = lp2p_frame_decoder_next (&ss->dec, &f)) != LP2P_FRAME_NEED_MORE) {
    if (r != LP2P_FRAME_OK) {
      ss_frame_error_locked (ss, r);
      break;
    }
    ss->conn->stat_reassembled++;
    ss_on_frame_locked (ss, &f, NULL, to_send);
  }
}

static void
ss_on_message (gpointer data, GBytes * bytes)
{
  Substream *ss = data;
  GstLibp2pConnection *conn = ss->conn;
  g_autoptr (GPtrArray) to_send = frames_new ();

  g_mutex_lock (&conn->lock);
  if (ss_reading (ss)) {
    if (lp2p_frame_decoder_pending (&ss->dec) == 0)
      ss_decode_message_locked (ss, bytes, to_send);
    else
      ss_reassemble_locked (ss, bytes, to_send);
  }
  /* replies go out before anything a writer sends once the lock is gone */
  ss_flush_locked (ss, to_send);
  g_mutex_unlock (&conn->lock);
}

static void
ss_on_buffered_low (gpointer data)
{
  Substream *ss = data;

  g_mutex_lock (&ss->conn->lock);
  ss_wake_writers_locked (ss);
  g_mutex_unlock (&ss->conn->lock);
}

static void
ss_on_close (gpointer data)
{
  Substream *ss = data;
  GstLibp2pConnection *conn = ss->conn;

  g_mutex_lock (&conn->lock);
  /* The close (an SCTP stream reset) is not ordered with the messages of
   * the channel in webrtcbin: a remote that saw our FIN and sent its own
   * may close before its FIN_ACK reaches us.  Everything it wrote reached
   * us (its FIN did) and it read our FIN: a clean close. */
  if (ss->state == SS_OPEN && (lp2p_substream_is_finished (&ss->hc) ||
          (!lp2p_substream_can_read (&ss->hc) &&
              !lp2p_substream_can_write (&ss->hc))))
    ss_end_locked (ss, NULL, FALSE);
  else
    ss_end_locked (ss, gst_libp2p_error_new (GST_LIBP2P_ERROR_CLOSED,
            "the data channel of substream %u closed%s", ss->id,
            ss->state == SS_OPEN ? "" : " while opening"), FALSE);
  g_mutex_unlock (&conn->lock);
}

static void
ss_on_error (gpointer data, const GError * error)
{
  Substream *ss = data;

  g_mutex_lock (&ss->conn->lock);
  ss_end_locked (ss, gst_libp2p_error_new (GST_LIBP2P_ERROR_CLOSED,
          "data channel error on substream %u: %s", ss->id,
          error ? error->message : "unknown"), FALSE);
  g_mutex_unlock (&ss->conn->lock);
}

/* Outbound channel open: send header + first proposal as one frame, and
 * right behind it (a frame of its own: litep2p's listener closes a channel
 * whose proposal frame carries more) the first data frame a lazy dialer's
 * sink pad handed over meanwhile. */
void
ss_on_channel_open (gpointer data)
{
  Substream *ss = data;
  GstLibp2pConnection *conn = ss->conn;
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GBytes) frame = NULL;
  g_autoptr (GBytes) first = NULL;
  g_autoptr (GError) err = NULL;
  gboolean sent, first_sent = TRUE;
  gint id = -1;

  g_mutex_lock (&conn->lock);
  if (ss->state != SS_OPENING) {
    g_mutex_unlock (&conn->lock);
    return;
  }
  ss->state = SS_NEGOTIATING;
  lp2p_mss_start (ss->mss, out);
  frame = lp2p_frame_encode (LP2P_FLAG_NONE, out->data, out->len);
  first = g_steal_pointer (&ss->first_frame);
  g_mutex_lock (&ss->send_lock);
  g_mutex_unlock (&conn->lock);
  if (ss->channel)
    id = gst_libp2p_channel_get_id (ss->channel);
  sent = ss_send_frame_unlocked (ss, frame, &err);
  if (sent && first)
    first_sent = ss_send_frame_unlocked (ss, first, &err);
  g_mutex_unlock (&ss->send_lock);
  g_mutex_lock (&conn->lock);
  ss->channel_id = id;
  if (!sent) {
    ss_end_locked (ss, gst_libp2p_error_new (GST_LIBP2P_ERROR_CLOSED,
            "could not send the proposal of substream %u: %s", ss->id,
            err->message), FALSE);
  } else if (!first_sent) {
    ss_end_locked (ss, gst_libp2p_error_new (GST_LIBP2P_ERROR_CLOSED,
            "sending on substream %u failed: %s", ss->id, err->message),
        FALSE);
  } else {
    if (first) {
      ss->bytes_out += ss->first_size;
      conn->stat_bytes_out += ss->first_size;
    }
    GST_DEBUG ("channel %d: proposed %s", ss->channel_id, ss->protocol);
    ss->neg_sent = TRUE;
    ss_wake_writers_locked (ss);
    /* lazy: writable now, so its src pad comes now too */
    if (lp2p_mss_is_writable (ss->mss) && ss->key)
      conn_schedule_locked (conn, JOB_EXPOSE, ss, NULL);
  }
  g_mutex_unlock (&conn->lock);
}

static const GstLibp2pChannelFuncs outbound_funcs = {
  ss_on_channel_open, ss_on_message, ss_on_buffered_low, ss_on_close,
  ss_on_error
};

static const GstLibp2pChannelFuncs inbound_funcs = {
  NULL, ss_on_message, ss_on_buffered_low, ss_on_close, ss_on_error
};

Substream *
ss_new_inbound_locked (GstLibp2pConnection * conn, GstLibp2pChannel * channel)
{
  Substream *ss = ss_new_locked (conn, FALSE);

  ss->mss = lp2p_mss_listener_new ((const gchar * const *)
      conn->listen_protocols, accept_cb, ss);
  ss->state = SS_NEGOTIATING;
  ss_attach_channel_locked (ss, channel);
  ss_arm_timer_locked (ss, conn->settings.negotiation_timeout);
  return ss;
}

void
ss_attach_channel_locked (Substream * ss, GstLibp2pChannel * channel)
{
  ss->channel = channel;
  gst_libp2p_channel_set_buffered_low (channel,
      ss->conn->settings.send_high_water / 2);
  gst_libp2p_channel_attach (channel, ss->outbound ? &outbound_funcs :
      &inbound_funcs, ss, ss_ref_gp, ss_unref_gp);
}

void
ss_detach_channel (Substream * ss)
{
  GstLibp2pConnection *conn = ss->conn;
  GstLibp2pChannel *channel;

  g_mutex_lock (&ss->send_lock);
  channel = ss->channel;
  ss->channel = NULL;
  g_mutex_unlock (&ss->send_lock);
  g_mutex_lock (&conn->lock);
  if (ss->counted) {
    ss->counted = FALSE;
    conn->live_outbound--;
  }
  g_mutex_unlock (&conn->lock);
  gst_libp2p_channel_release (channel);
}

static gboolean
ss_timer_cb (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer user_data)
{
  Substream *ss = user_data;
  GstLibp2pConnection *conn = ss->conn;
  g_autoptr (GPtrArray) to_send = frames_new ();

  g_mutex_lock (&conn->lock);
  if (ss->timer != id) {
    g_mutex_unlock (&conn->lock);
    return TRUE;
  }
  gst_clock_id_unref (ss->timer);
  ss->timer = NULL;
  if (ss->state == SS_OPEN) {
    Lp2pSubstreamActions act;

    /* @time is when the timer was due, never before the core's deadline */
    lp2p_substream_on_timeout (&ss->hc, MAX (conn_now_us (),
            (gint64) (time / GST_USECOND)), &act);
    ss_handle_actions_locked (ss, &act, to_send);
    ss_flush_locked (ss, to_send);
  } else if (ss->state != SS_DONE) {
    ss_end_locked (ss, gst_libp2p_error_new (GST_LIBP2P_ERROR_TIMEOUT,
            "substream %u (%s) not negotiated within %" GST_TIME_FORMAT,
            ss->id, ss->protocol ? ss->protocol : "inbound",
            GST_TIME_ARGS (conn->settings.negotiation_timeout)),
        ss->state == SS_NEGOTIATING);
  }
  g_mutex_unlock (&conn->lock);
  return TRUE;
}
