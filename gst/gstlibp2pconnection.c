/* gst-libp2p: a connection's lifecycle, worker, substream table, opening
 * and reports (gstlibp2pconnection.h; locks, threads: -priv.h).  The worker
 * is a one-thread GThreadPool whose jobs run in order: it creates channels
 * opened before the connection was up, adds and removes pads, reports
 * outcomes to the owner, releases channels, runs Noise and resolves names.
 * Whatever may call out (owner callbacks, pads, webrtcbin) runs there or in
 * the caller's thread, never under conn->lock. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlibp2pconnection-priv.h"
#include "gstlibp2pwebrtcbin.h"

#include "identify.h"

#include <string.h>

GST_DEBUG_CATEGORY (gst_libp2p_connection_debug);
#define GST_CAT_DEFAULT gst_libp2p_connection_debug

typedef struct
{
  JobType type;
  Substream *ss;
  GBytes *data;
} Job;

/* ---- helpers ---- */

GError *
gst_libp2p_error_new (gint code, const gchar * fmt, ...)
{
  va_list ap;
  GError *e;

  va_start (ap, fmt);
  e = g_error_new_valist (GST_LIBP2P_ERROR, code, fmt, ap);
  va_end (ap);
  return e;
}

GError *
conn_stopped_error (void)
{
  return gst_libp2p_error_new (GST_LIBP2P_ERROR_STOPPED,
      "the element stopped");
}

/* A single-shot wait on the system clock, @timeout from now. */
GstClockID
conn_timer_start (GstClockTime timeout, GstClockCallback cb, gpointer data,
    GDestroyNotify free_data)
{
  GstClock *clock = gst_system_clock_obtain ();
  GstClockID id = gst_clock_new_single_shot_id (clock,
      gst_clock_get_time (clock) + timeout);

  gst_clock_id_wait_async (id, cb, data, free_data);
  gst_object_unref (clock);
  return id;
}

void
conn_timer_cancel (GstClockID * id)
{
  if (*id) {
    gst_clock_id_unschedule (*id);
    gst_clock_id_unref (*id);
    *id = NULL;
  }
}

gint64
conn_now_us (void)
{
  GstClock *clock = gst_system_clock_obtain ();
  gint64 t = (gint64) (gst_clock_get_time (clock) / GST_USECOND);

  gst_object_unref (clock);
  return t;
}

/* ---- reports ---- */

GstStructure *
gst_libp2p_substream_message_new (GstLibp2pSubstreamOutcome outcome,
    guint id, const gchar * protocol, gboolean outbound, gint channel_id,
    GstPad * src_pad, const GError * error, guint64 bytes_in,
    guint64 bytes_out)
{
  static const gchar *const names[] = { "libp2p-substream-opened",
    "libp2p-substream-failed", "libp2p-substream-closed"
  };
  GstStructure *s = gst_structure_new (names[outcome], "id", G_TYPE_UINT, id,
      "protocol", G_TYPE_STRING, protocol, "direction", G_TYPE_STRING,
      outbound ? "outbound" : "inbound", "channel-id", G_TYPE_INT,
      channel_id, NULL);

  if (src_pad)
    gst_structure_set (s, "src-pad", G_TYPE_STRING, GST_PAD_NAME (src_pad),
        NULL);
  if (error)
    gst_structure_set (s, "error", G_TYPE_ERROR, error, NULL);
  gst_structure_set (s, "bytes-in", G_TYPE_UINT64, bytes_in, "bytes-out",
      G_TYPE_UINT64, bytes_out, NULL);
  return s;
}

/* Tells the owner.  Not under conn->lock. */
void
conn_report (GstLibp2pConnection * conn, Substream * ss,
    GstLibp2pSubstreamOutcome outcome)
{
  GstPad *src = outcome == GST_LIBP2P_SUBSTREAM_OPENED ? ss->srcpad : NULL;
  const GError *error = outcome == GST_LIBP2P_SUBSTREAM_OPENED ? NULL :
      ss->error;

  if (outcome == GST_LIBP2P_SUBSTREAM_FAILED)
    GST_INFO ("substream %u failed: %s", ss->id, error->message);
  conn->owner->substream (conn->owner_data, outcome, ss->id, ss->protocol,
      src, error, gst_libp2p_substream_message_new (outcome, ss->id,
          ss->protocol, ss->outbound, ss->channel_id,
          /* a refused lazy dial's early pad was never a substream's */
          outcome == GST_LIBP2P_SUBSTREAM_FAILED ? NULL : ss->srcpad, error,
          ss->bytes_in, ss->bytes_out));
}

/* The end of @ss as its requester sees it: every opened substream one
 * CLOSED, every outbound one that never opened one FAILED; nobody asked for
 * an inbound one that never opened (spec reference b.5), nor for what the
 * connection serves itself (gstlibp2pservices.c). */
static void
conn_report_end (GstLibp2pConnection * conn, Substream * ss)
{
  if (ss->service != SVC_NONE)
    GST_DEBUG ("%s substream %u ended: %s", ss->protocol, ss->id,
        ss->error ? ss->error->message : "finished");
  else if (ss->opened_reported)
    conn_report (conn, ss, GST_LIBP2P_SUBSTREAM_CLOSED);
  else if (ss->outbound)
    conn_report (conn, ss, GST_LIBP2P_SUBSTREAM_FAILED);
  else
    GST_INFO ("channel %d: inbound substream %u ended unopened: %s",
        ss->channel_id, ss->id, ss->error ? ss->error->message : "closed");
}

/* ---- the worker ---- */

void
conn_schedule_locked (GstLibp2pConnection * conn, JobType type,
    Substream * ss, GBytes * data)
{
  Job *job;

  if (!conn->running || conn->worker == NULL)
    return;
  job = g_new0 (Job, 1);
  job->type = type;
  job->ss = ss ? ss_ref (ss) : NULL;
  job->data = data ? g_bytes_ref (data) : NULL;
  g_thread_pool_push (conn->worker, job, NULL);
}

/* Adds @ss's src pad (once), starts its task, and once it is open reports
 * it.  The task pushes nothing before the OPENED report returned (handlers
 * of substream-opened link the pad), so starting it first only takes the
 * thread's start off the critical path.  A lazy dialer's pad comes as soon
 * as its proposal went out (it is writable then): when the confirmation
 * arrives only the report is left. */
static void
job_expose (GstLibp2pConnection * conn, Substream * ss)
{
  g_autofree gchar *protocol = NULL;
  GstPad *src = NULL;
  gboolean report;

  g_mutex_lock (&conn->lock);
  if (!conn->running || (ss->srcpad == NULL && ss->state == SS_DONE &&
          !ss->was_open)) {
    g_mutex_unlock (&conn->lock);
    return;
  }
  if (ss->srcpad == NULL) {
    conn_bind_waiting_pad_locked (conn, ss);
    src = pads_new_src_locked (ss);
    protocol = g_strdup (ss->protocol);
  }
  g_mutex_unlock (&conn->lock);
  if (src) {
    GST_LOG ("channel %d: src pad made", ss->channel_id);
    pads_push_sticky (ss, src, protocol);
    GST_LOG ("channel %d: sticky events stored", ss->channel_id);
    conn->owner->add_pad (conn->owner_data, src);
    g_mutex_lock (&conn->lock);
    pads_start_src_task_locked (ss);
    g_mutex_unlock (&conn->lock);
    GST_DEBUG ("channel %d: exposed %s, task started", ss->channel_id,
        GST_PAD_NAME (src));
  }

  g_mutex_lock (&conn->lock);
  report = !ss->opened_reported && (ss->state == SS_OPEN ||
      (ss->state == SS_DONE && ss->was_open));
  g_mutex_unlock (&conn->lock);
  if (!report)
    return;
  GST_LOG ("channel %d: reporting opened", ss->channel_id);
  conn_report (conn, ss, GST_LIBP2P_SUBSTREAM_OPENED);
  g_mutex_lock (&conn->lock);
  ss->opened_reported = TRUE;
  g_cond_broadcast (&ss->src_cond);
  g_mutex_unlock (&conn->lock);
  GST_LOG ("channel %d: reported opened", ss->channel_id);
}

static void
job_end (GstLibp2pConnection * conn, Substream * ss)
{
  if (ss->send_reset)
    ss_send_flag (ss, LP2P_FLAG_RESET_STREAM);
  ss_detach_channel (ss);

  g_mutex_lock (&conn->lock);
  if (!ss->was_open && ss->service == SVC_NONE)
    conn->stat_failed++;
  g_mutex_unlock (&conn->lock);

  conn_report_end (conn, ss);

  g_mutex_lock (&conn->lock);
  ss->ended = TRUE;
  ss_wake_writers_locked (ss);
  ss_maybe_remove_locked (ss);
  g_mutex_unlock (&conn->lock);
}

/* Unbinds and hands back both pads of @ss (the src pad deactivated). */
static void
conn_remove_pads (GstLibp2pConnection * conn, Substream * ss)
{
  GstPad *src, *sink;

  g_mutex_lock (&conn->lock);
  src = ss->srcpad;
  sink = ss->sinkpad;
  ss->srcpad = NULL;
  ss->sinkpad = NULL;
  if (sink) {
    GstLibp2pPad *lpad = GST_LIBP2P_PAD (sink);

    lpad->substream = NULL;
    lpad->unbound = TRUE;
    lpad->end_flow = ss->was_open && ss->error == NULL ? GST_FLOW_EOS :
        GST_FLOW_ERROR;
    g_cond_broadcast (&lpad->cond);
  }
  g_mutex_unlock (&conn->lock);

  if (src) {
    gst_pad_set_active (src, FALSE);
    conn->owner->remove_pad (conn->owner_data, src);
  }
  /* The upstream of a removed sink pad gets NOT_LINKED, never a hang. */
  if (sink)
    conn->owner->remove_pad (conn->owner_data, sink);
}

static void
job_remove (GstLibp2pConnection * conn, Substream * ss)
{
  conn_remove_pads (conn, ss);
  g_mutex_lock (&conn->lock);
  if (g_hash_table_lookup (conn->substreams, GUINT_TO_POINTER (ss->id)) ==
      ss)
    g_hash_table_remove (conn->substreams, GUINT_TO_POINTER (ss->id));
  g_mutex_unlock (&conn->lock);
}

static void
worker_func (gpointer data, gpointer user_data)
{
  Job *job = data;
  GstLibp2pConnection *conn = user_data;

  GST_LOG ("job %d", job->type);
  switch (job->type) {
    case JOB_CREATE_CHANNEL:
      conn_create_channel (conn, job->ss);
      break;
    case JOB_EXPOSE:
      job_expose (conn, job->ss);
      break;
    case JOB_END:
      job_end (conn, job->ss);
      break;
    case JOB_REMOVE:
      job_remove (conn, job->ss);
      break;
    case JOB_NOISE:
      hs_job_noise (conn, job->data);
      break;
    case JOB_NOISE_START:
      hs_job_noise_start (conn);
      break;
    case JOB_RESOLVE:
      hs_job_resolve (conn);
      break;
    case JOB_IDENTIFIED:
      svc_job_identified (conn);
      break;
    case JOB_RELEASE:
      conn_job_release (conn);
      break;
  }
  if (job->ss)
    ss_unref (job->ss);
  if (job->data)
    g_bytes_unref (job->data);
  g_free (job);
}

/* ---- the connection's state ---- */

void
conn_set_connected_locked (GstLibp2pConnection * conn)
{
  GHashTableIter it;
  gpointer v;

  conn->connected = TRUE;
  g_hash_table_iter_init (&it, conn->substreams);
  while (g_hash_table_iter_next (&it, NULL, &v))
    if (((Substream *) v)->state == SS_WAIT_CONNECT)
      conn_schedule_locked (conn, JOB_CREATE_CHANNEL, v, NULL);
  svc_start_keepalive_locked (conn);
}

/* Ends every substream (none can survive the connection). */
static void
conn_end_all_locked (GstLibp2pConnection * conn, const gchar * why)
{
  GHashTableIter it;
  gpointer v;

  g_hash_table_iter_init (&it, conn->substreams);
  while (g_hash_table_iter_next (&it, NULL, &v))
    ss_end_locked (v, gst_libp2p_error_new (GST_LIBP2P_ERROR_NOT_CONNECTED,
            "the connection %s", why), FALSE);
}

void
conn_end (GstLibp2pConnection * conn, gboolean auth,
    const gchar * substream_why, const gchar * fmt, ...)
{
  g_autoptr (GError) err = NULL;
  g_autoptr (GstLibp2pRtc) rtc = NULL;
  gboolean was_connected;
  va_list ap;

  g_mutex_lock (&conn->lock);
  rtc = conn->rtc ? gst_libp2p_rtc_ref (conn->rtc) : NULL;
  g_mutex_unlock (&conn->lock);
  /* going down ourselves (two elements of one pipeline stopped together:
   * the first one's ABORT reaches the second before its own stop): the
   * stop is the end, and reports it */
  if (rtc && gst_libp2p_rtc_going_down (rtc))
    return;
  g_clear_pointer (&rtc, gst_libp2p_rtc_unref);
  g_mutex_lock (&conn->lock);
  if (conn->ended || !conn->running) {
    g_mutex_unlock (&conn->lock);
    return;
  }
  was_connected = conn->connected;
  conn->connected = FALSE;
  conn_timer_cancel (&conn->connect_timer);
  conn_end_all_locked (conn, substream_why);
  ka_stop_locked (conn);
  if (conn->stopping) {
    /* the owner stops it: nothing to tell */
    g_mutex_unlock (&conn->lock);
    return;
  }
  conn->ended = TRUE;
  rtc = conn->rtc ? gst_libp2p_rtc_ref (conn->rtc) : NULL;
  g_mutex_unlock (&conn->lock);
  if (rtc)
    gst_libp2p_rtc_ended (rtc);

  va_start (ap, fmt);
  err = g_error_new_valist (GST_LIBP2P_ERROR, GST_LIBP2P_ERROR_NOT_CONNECTED,
      fmt, ap);
  va_end (ap);
  GST_WARNING ("%s", err->message);
  conn->owner->ended (conn->owner_data, err, auth, was_connected);
}

static void
on_rtc_state (gpointer data, GstLibp2pRtcState state)
{
  GstLibp2pConnection *conn = data;
  const gchar *how;

  if (state == GST_LIBP2P_RTC_STATE_CONNECTED) {
    gboolean up = FALSE;

    g_mutex_lock (&conn->lock);
    /* a handshake role is up once Noise authenticated the remote */
    if (!conn->connected && conn->running && !conn->ended &&
        !hs_uses_noise (&conn->settings)) {
      conn_set_connected_locked (conn);
      up = TRUE;
    }
    g_mutex_unlock (&conn->lock);
    if (up)
      conn->owner->connected (conn->owner_data, NULL);
    return;
  }
  if (state != GST_LIBP2P_RTC_STATE_FAILED &&
      state != GST_LIBP2P_RTC_STATE_CLOSED)
    return;
  how = state == GST_LIBP2P_RTC_STATE_FAILED ? "failed" : "closed";
  if (hs_uses_noise (&conn->settings) && !conn->connected)
    conn_end (conn, FALSE, how, "the connection to %s %s before it was "
        "authenticated", conn->settings.peer_address ?
        conn->settings.peer_address : "the remote", how);
  else
    conn_end (conn, FALSE, how, "the connection to %s %s",
        conn->remote_peer_id ? conn->remote_peer_id : "the remote", how);
}

static void
on_rtc_data_channel (gpointer data, GstLibp2pChannel * channel)
{
  GstLibp2pConnection *conn = data;
  /* read outside conn->lock: it calls into the channel */
  gint id = gst_libp2p_channel_get_id (channel);
  Substream *ss;

  g_mutex_lock (&conn->lock);
  if (!conn->running || conn->ended) {
    g_mutex_unlock (&conn->lock);
    gst_libp2p_channel_release (channel);
    return;
  }
  ss = ss_new_inbound_locked (conn, channel);
  ss->channel_id = id;
  GST_DEBUG ("channel %d: inbound substream %u", id, ss->id);
  g_mutex_unlock (&conn->lock);
}

static const GstLibp2pRtcFuncs rtc_funcs = {
  on_rtc_data_channel, on_rtc_state
};

/* ---- lifecycle ---- */

GstLibp2pConnection *
gst_libp2p_connection_ref (GstLibp2pConnection * conn)
{
  g_atomic_int_inc (&conn->ref);
  return conn;
}

gpointer
conn_ref_gp (gpointer p)
{
  return gst_libp2p_connection_ref (p);
}

void
conn_unref_gp (gpointer p)
{
  gst_libp2p_connection_unref (p);
}

void
gst_libp2p_connection_unref (GstLibp2pConnection * conn)
{
  GstLibp2pConnectionSettings *s = &conn->settings;

  if (!g_atomic_int_dec_and_test (&conn->ref))
    return;
  g_assert (conn->rtc == NULL && conn->worker == NULL);
  g_hash_table_unref (conn->substreams);
  g_hash_table_unref (conn->key_next);
  g_list_free (conn->waiting_pads);
  g_strfreev (s->protocols);
  g_strfreev (conn->listen_protocols);
  g_free (s->peer_address);
  g_free (s->agent_version);
  g_free (conn->remote_peer_id);
  g_clear_pointer (&conn->remote_identify, gst_structure_free);
  g_clear_error (&conn->identify_error);
  lp2p_direct_noise_free (conn->noise);
  g_mutex_clear (&conn->lock);
  g_cond_clear (&conn->creating_cond);
  g_free (conn);
}

gboolean
conn_settings_list (const GstLibp2pConnectionSettings * s,
    const gchar * protocol)
{
  return s->protocols && g_strv_contains ((const gchar * const *)
      s->protocols, protocol);
}

static void
add_unlisted (GPtrArray * list, const GstLibp2pConnectionSettings * s,
    gboolean on, const gchar * protocol)
{
  if (on && !conn_settings_list (s, protocol))
    g_ptr_array_add (list, g_strdup (protocol));
}

/* The protocols a remote may open, as ls and identify list them:
 * 'protocols', and ping's and identify's when the connection answers them
 * (js-libp2p and smoldot ask ls). */
static gchar **
listen_protocols_new (const GstLibp2pConnectionSettings * s)
{
  GPtrArray *list = g_ptr_array_new ();
  guint i;

  for (i = 0; s->protocols && s->protocols[i]; i++)
    g_ptr_array_add (list, g_strdup (s->protocols[i]));
  add_unlisted (list, s, s->ping_responder, LP2P_PING_PROTOCOL);
  add_unlisted (list, s, s->identify, LP2P_IDENTIFY_PROTOCOL);
  g_ptr_array_add (list, NULL);
  return (gchar **) g_ptr_array_free (list, FALSE);
}

GstLibp2pConnection *
gst_libp2p_connection_new (GstElement * webrtcbin,
    const GstLibp2pConnectionSettings * settings,
    const GstLibp2pConnectionOwner * owner, gpointer owner_data,
    GError ** error)
{
  GstLibp2pConnection *conn = g_new0 (GstLibp2pConnection, 1);

  if (gst_libp2p_connection_debug == NULL)
    GST_DEBUG_CATEGORY_INIT (gst_libp2p_connection_debug, "libp2pconnection",
        0, "libp2p: one connection over a webrtcbin");
  conn->ref = 1;
  g_mutex_init (&conn->lock);
  g_cond_init (&conn->creating_cond);
  conn->settings = *settings;
  conn->settings.protocols = g_strdupv (settings->protocols);
  conn->settings.peer_address = g_strdup (settings->peer_address);
  conn->settings.agent_version = g_strdup (settings->agent_version ?
      settings->agent_version : "gst-libp2p");
  conn->listen_protocols = listen_protocols_new (settings);
  conn->owner = owner;
  conn->owner_data = owner_data;
  conn->substreams = g_hash_table_new_full (NULL, NULL, NULL,
      (GDestroyNotify) ss_unref);
  conn->key_next = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  conn->next_id = settings->last_substream_id;
  conn->running = TRUE;
  conn->worker = g_thread_pool_new (worker_func, conn, 1, FALSE, NULL);
  conn->rtc = gst_libp2p_rtc_new (webrtcbin, &rtc_funcs, conn, conn_ref_gp,
      conn_unref_gp);
  gst_libp2p_rtc_set_free_closed (conn->rtc, settings->free_closed_channels);

  /* Channel 0, negotiated on both sides: it puts SCTP in the offer and
   * keeps id 0 for WebRTC-direct's Noise handshake; never a substream. */
  conn->channel0 = gst_libp2p_rtc_create_channel (conn->rtc,
      LP2P_RESERVED_CHANNEL_ID);
  if (conn->channel0 == NULL) {
    g_set_error_literal (error, GST_LIBP2P_ERROR,
        GST_LIBP2P_ERROR_NOT_CONNECTED,
        "webrtcbin refused the reserved data channel 0");
    gst_libp2p_connection_stop (conn);
    gst_libp2p_connection_unref (conn);
    return NULL;
  }
  if (hs_uses_noise (&conn->settings))
    hs_start (conn);
  return conn;
}

gboolean
gst_libp2p_connection_fail (GstLibp2pConnection * conn, const gchar * cause)
{
  gboolean up, over;
  g_autofree gchar *who = NULL;

  g_mutex_lock (&conn->lock);
  up = conn->connected && conn->running;
  over = conn->ended || conn->stopping || !conn->running;
  who = g_strdup (conn_remote_name_locked (conn));
  g_mutex_unlock (&conn->lock);
  if (over)
    return TRUE;
  if (!up)
    return FALSE;
  conn_end (conn, FALSE, "failed", "the connection to %s failed: %s", who,
      cause);
  return TRUE;
}

gboolean
gst_libp2p_connection_begin_stop (GstLibp2pConnection * conn)
{
  GstLibp2pRtc *rtc = NULL;
  gboolean up;

  g_mutex_lock (&conn->lock);
  up = conn->connected && !conn->ended && !conn->stopping;
  conn->stopping = TRUE;
  /* no channel is created from now on; one being created finishes first */
  while (conn->creating > 0)
    g_cond_wait (&conn->creating_cond, &conn->lock);
  if (conn->rtc)
    rtc = gst_libp2p_rtc_ref (conn->rtc);
  g_mutex_unlock (&conn->lock);
  if (rtc) {
    gst_libp2p_rtc_begin_stop (rtc);
    gst_libp2p_rtc_unref (rtc);
  }
  return up;
}

/* Marks every substream ended by the stop; returns them (refs). */
static GList *
conn_take_all_locked (GstLibp2pConnection * conn)
{
  GList *all = g_hash_table_get_values (conn->substreams), *l;

  for (l = all; l; l = l->next) {
    Substream *ss = l->data;

    ss_ref (ss);
    if (ss->state != SS_DONE) {
      ss->was_open = ss->state == SS_OPEN;
      ss->state = SS_DONE;
      if (ss->error == NULL)
        ss->error = conn_stopped_error ();
    }
    ss_cancel_timer_locked (ss);
    ss->src_flushing = TRUE;
    g_cond_broadcast (&ss->src_cond);
    ss_wake_writers_locked (ss);
  }
  g_hash_table_steal_all (conn->substreams);
  return all;
}

void
gst_libp2p_connection_stop (GstLibp2pConnection * conn)
{
  GThreadPool *pool;
  GList *all, *l, *waiting;

  g_mutex_lock (&conn->lock);
  conn->stopping = TRUE;
  conn->running = FALSE;
  conn->connected = FALSE;
  pool = conn->worker;
  conn->worker = NULL;
  g_mutex_unlock (&conn->lock);
  /* Jobs already queued run to their end. */
  if (pool)
    g_thread_pool_free (pool, FALSE, TRUE);
  hs_stop (conn);

  g_mutex_lock (&conn->lock);
  svc_stop_locked (conn);
  conn_hold_stop (conn);
  all = conn_take_all_locked (conn);
  waiting = conn->waiting_pads;
  conn->waiting_pads = NULL;
  for (l = waiting; l; l = l->next)
    g_cond_broadcast (&GST_LIBP2P_PAD (l->data)->cond);
  g_mutex_unlock (&conn->lock);

  for (l = all; l; l = l->next) {
    Substream *ss = l->data;

    ss_detach_channel (ss);
    if (!ss->ended) {
      ss->ended = TRUE;
      /* every outcome reaches the owner, also when stopping */
      conn_report_end (conn, ss);
    }
    if (ss->sinkpad)
      conn_pad_set_connection (GST_LIBP2P_PAD (ss->sinkpad), NULL);
    conn_remove_pads (conn, ss);
    ss_unref (ss);              /* the table's */
    ss_unref (ss);
  }
  g_list_free (all);
  /* unbound requested pads stay the owner's, for its next connection */
  for (l = waiting; l; l = l->next)
    conn_pad_set_connection (l->data, NULL);
  g_list_free (waiting);

  g_clear_pointer (&conn->channel0, gst_libp2p_channel_release);
  if (conn->rtc) {
    /* webrtcbin is in READY: its channels' threads have stopped */
    GstLibp2pRtc *rtc;

    g_mutex_lock (&conn->lock);
    rtc = conn->rtc;
    conn->rtc = NULL;
    g_mutex_unlock (&conn->lock);
    gst_libp2p_rtc_close (rtc);
  }
}

/* ---- queries ---- */

gboolean
gst_libp2p_connection_is_connected (GstLibp2pConnection * conn)
{
  gboolean c;

  g_mutex_lock (&conn->lock);
  c = conn->connected;
  g_mutex_unlock (&conn->lock);
  return c;
}

GstStructure *
gst_libp2p_connection_get_stats (GstLibp2pConnection * conn)
{
  guint64 opened = 0, failed = 0, in = 0, out = 0, reassembled = 0, pings = 0;
  guint64 sent = 0, pongs = 0, rtt = 0;
  guint active = 0;
  GstStructure *s;

  if (conn) {
    GHashTableIter it;
    gpointer v;

    g_mutex_lock (&conn->lock);
    g_hash_table_iter_init (&it, conn->substreams);
    while (g_hash_table_iter_next (&it, NULL, &v))
      active += ((Substream *) v)->state == SS_OPEN &&
          ((Substream *) v)->service == SVC_NONE;
    opened = conn->stat_opened;
    failed = conn->stat_failed;
    in = conn->stat_bytes_in;
    out = conn->stat_bytes_out;
    reassembled = conn->stat_reassembled;
    pings = conn->stat_pings;
    sent = conn->stat_pings_sent;
    pongs = conn->stat_pongs;
    rtt = conn->stat_ping_rtt;
    g_mutex_unlock (&conn->lock);
  }
  s = gst_structure_new ("application/x-libp2p-stats",
      "substreams-opened", G_TYPE_UINT64, opened,
      "substreams-failed", G_TYPE_UINT64, failed,
      "substreams-active", G_TYPE_UINT, active,
      "bytes-in", G_TYPE_UINT64, in,
      "bytes-out", G_TYPE_UINT64, out,
      "frames-reassembled", G_TYPE_UINT64, reassembled,
      "pings-answered", G_TYPE_UINT64, pings,
      "pings-sent", G_TYPE_UINT64, sent,
      "pongs-received", G_TYPE_UINT64, pongs,
      "ping-rtt", G_TYPE_UINT64, rtt, NULL);
  conn_hold_stats (conn, s);
  return s;
}

gchar *
gst_libp2p_connection_get_remote_peer_id (GstLibp2pConnection * conn)
{
  gchar *p;

  g_mutex_lock (&conn->lock);
  p = g_strdup (conn->remote_peer_id);
  g_mutex_unlock (&conn->lock);
  return p;
}

guint
gst_libp2p_connection_get_last_substream_id (GstLibp2pConnection * conn)
{
  guint id;

  g_mutex_lock (&conn->lock);
  id = conn->next_id;
  g_mutex_unlock (&conn->lock);
  return id;
}
