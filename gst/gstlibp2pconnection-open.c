/* gst-libp2p: opening substreams and binding sink pads on a connection
 *
 * Numbering: substream n of a key (from 0, per connection, inbound and
 * outbound alike); a single-protocol outbound substream gets its number
 * when it is opened, a substream with fallbacks or an inbound one when its
 * protocol is agreed.  A requested sink pad binds to its substream, opens
 * it (dial-on-request) or waits for it.  Locks and threads:
 * gstlibp2pconnection-priv.h.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlibp2pconnection-priv.h"
#include "gstlibp2pwebrtcbin.h"

#define GST_CAT_DEFAULT gst_libp2p_connection_debug

/* ---- keys and numbers ---- */

/* Substream of (key, n), or NULL. */
static Substream *
find_substream_locked (GstLibp2pConnection * conn, const gchar * key, gint n)
{
  GHashTableIter it;
  gpointer v;

  g_hash_table_iter_init (&it, conn->substreams);
  while (g_hash_table_iter_next (&it, NULL, &v)) {
    Substream *ss = v;

    if (ss->n == n && ss->key && g_str_equal (ss->key, key))
      return ss;
  }
  return NULL;
}

static gboolean
key_n_reserved_locked (GstLibp2pConnection * conn, const gchar * key, gint n)
{
  g_autofree gchar *want = g_strdup_printf ("sink_%s_%d", key, n);
  GList *l;

  if (find_substream_locked (conn, key, n))
    return TRUE;
  for (l = conn->waiting_pads; l; l = l->next)
    if (g_str_equal (GST_PAD_NAME (l->data), want))
      return TRUE;
  return FALSE;
}

/* Gives @ss its key and number n: @n if >= 0 (a requested pad), else the
 * next free number of the key.  A waiting requested sink pad counts as
 * free: the substream binds to it. */
void
conn_assign_key_locked (Substream * ss, const gchar * protocol, gint n)
{
  GstLibp2pConnection *conn = ss->conn;
  gchar *key = gst_libp2p_protocol_key (protocol);
  gint next = GPOINTER_TO_INT (g_hash_table_lookup (conn->key_next, key));

  if (n < 0) {
    n = next;
    while (find_substream_locked (conn, key, n))
      n++;
  }
  ss->key = key;
  ss->n = n;
  if (n + 1 > next)
    g_hash_table_insert (conn->key_next, g_strdup (key),
        GINT_TO_POINTER (n + 1));
}

/* Binds a waiting requested sink pad named after @ss, if any. */
void
conn_bind_waiting_pad_locked (GstLibp2pConnection * conn, Substream * ss)
{
  g_autofree gchar *want = NULL;
  GList *l;

  if (ss->sinkpad || ss->key == NULL)
    return;
  want = g_strdup_printf ("sink_%s_%d", ss->key, ss->n);
  for (l = conn->waiting_pads; l; l = l->next) {
    if (g_str_equal (GST_PAD_NAME (l->data), want)) {
      pads_bind_sink_locked (l->data, ss);
      conn->waiting_pads = g_list_delete_link (conn->waiting_pads, l);
      return;
    }
  }
}

/* ---- opening ---- */

void
conn_create_channel (GstLibp2pConnection * conn, Substream * ss)
{
  GstLibp2pChannel *channel;
  GstLibp2pRtc *rtc;

  g_mutex_lock (&conn->lock);
  if (ss->state != SS_WAIT_CONNECT || !conn->running || conn->stopping) {
    g_mutex_unlock (&conn->lock);
    return;
  }
  if (conn->live_outbound >= LP2P_MAX_LIVE_OUTBOUND) {
    ss_end_locked (ss, gst_libp2p_error_new (GST_LIBP2P_ERROR_TOO_MANY,
            "cannot open %s: %u substreams opened by this side are alive, "
            "webrtcbin has no SCTP stream for more", ss->protocol,
            conn->live_outbound), FALSE);
    g_mutex_unlock (&conn->lock);
    return;
  }
  conn->live_outbound++;
  ss->counted = TRUE;
  conn->creating++;
  rtc = gst_libp2p_rtc_ref (conn->rtc);
  g_mutex_unlock (&conn->lock);

  channel = gst_libp2p_rtc_create_channel (rtc, -1);
  gst_libp2p_rtc_unref (rtc);

  g_mutex_lock (&conn->lock);
  conn->creating--;
  g_cond_broadcast (&conn->creating_cond);
  if (channel == NULL) {
    ss->counted = FALSE;
    conn->live_outbound--;
    ss_end_locked (ss, gst_libp2p_error_new (GST_LIBP2P_ERROR_NOT_CONNECTED,
            "webrtcbin refused to create a data channel for substream %u",
            ss->id), FALSE);
    g_mutex_unlock (&conn->lock);
    return;
  }
  /* attached even if @ss ended meanwhile: the end job releases it, by the
   * one rule of gst_libp2p_channel_release() */
  ss_attach_channel_locked (ss, channel);
  if (ss->state != SS_WAIT_CONNECT) {
    g_mutex_unlock (&conn->lock);
    return;
  }
  ss->state = SS_OPENING;
  /* the deadline runs from the channel's creation (litep2p) */
  ss_arm_timer_locked (ss, conn->settings.negotiation_timeout);
  GST_DEBUG ("substream %u: channel created for %s", ss->id, ss->protocol);
  g_mutex_unlock (&conn->lock);
  /* On a connected association the channel may have opened (and emitted
   * on-open on webrtcbin's thread) before our handler was connected. */
  if (gst_libp2p_channel_is_open (channel))
    ss_on_channel_open (ss);
}

/* Creates an outbound substream proposing @proposals; key/n reserved at
 * once for a single proposal (@n from a requested pad, or -1) of the
 * application's (@service SVC_NONE).  Returns it (the table holds it), or
 * NULL with @error for bad arguments. */
static Substream *
open_outbound_locked (GstLibp2pConnection * conn,
    const gchar * const *proposals, gint n, Service service, GError ** error)
{
  g_autoptr (GError) err = NULL;
  Lp2pMss *mss;
  Substream *ss;
  /* a service waits for the confirmation: it may close at once */
  gboolean lazy = conn->settings.lazy && service == SVC_NONE &&
      proposals[0] && proposals[1] == NULL;

  mss = lp2p_mss_dialer_new (proposals, lazy, &err);
  if (mss == NULL) {
    g_set_error (error, GST_LIBP2P_ERROR, GST_LIBP2P_ERROR_INVALID_ARGUMENT,
        "%s", err->message);
    return NULL;
  }
  ss = ss_new_locked (conn, TRUE);
  ss->mss = mss;
  ss->proposals = g_strdupv ((gchar **) proposals);
  ss->protocol = g_strdup (proposals[0]);
  ss->state = SS_WAIT_CONNECT;
  ss->service = service;
  if (proposals[1] == NULL && service == SVC_NONE)
    conn_assign_key_locked (ss, proposals[0], n);
  return ss;
}

Substream *
conn_open_service_locked (GstLibp2pConnection * conn,
    const gchar * const *proposals, Service service)
{
  Substream *ss = open_outbound_locked (conn, proposals, -1, service, NULL);

  if (ss && conn->connected)
    conn_schedule_locked (conn, JOB_CREATE_CHANNEL, ss, NULL);
  return ss;
}

/* The application may see the PeerConnection's CONNECTED before our own
 * notify handler ran (handlers run in the order they were connected, and
 * it may have connected its own first): a signalled connection that is up
 * is connected, whoever heard of it first.  Drops conn->lock meanwhile. */
static void
conn_catch_up_locked (GstLibp2pConnection * conn)
{
  GstLibp2pRtcState state;
  GstLibp2pRtc *rtc;

  if (conn->connected || !conn->running || conn->ended ||
      hs_uses_noise (&conn->settings))
    return;
  rtc = gst_libp2p_rtc_ref (conn->rtc);
  g_mutex_unlock (&conn->lock);
  state = gst_libp2p_rtc_get_state (rtc);
  gst_libp2p_rtc_unref (rtc);
  g_mutex_lock (&conn->lock);
  conn->pc_up |= state == GST_LIBP2P_RTC_STATE_TRANSPORT_UP;
  if (state == GST_LIBP2P_RTC_STATE_CONNECTED && !conn->connected &&
      conn->running && !conn->ended)
    conn_set_connected_locked (conn);
}

/* A substream that fails before it can exist (bad arguments, no
 * connection): reported in the caller's thread before open returns.
 * Called with conn->lock, releases it. */
static guint
conn_fail_now_unlock (GstLibp2pConnection * conn, const gchar * protocol,
    GError * err)
{
  Substream *ss = ss_new_locked (conn, TRUE);
  guint id = ss->id;

  g_hash_table_steal (conn->substreams, GUINT_TO_POINTER (id));
  ss->protocol = g_strdup (protocol);
  ss->state = SS_DONE;
  ss->error = err;
  ss->ended = TRUE;
  conn->stat_failed++;
  g_mutex_unlock (&conn->lock);
  conn_report (conn, ss, GST_LIBP2P_SUBSTREAM_FAILED);
  ss_unref (ss);
  return id;
}

guint
gst_libp2p_connection_open (GstLibp2pConnection * conn,
    const gchar * const *protocols)
{
  GError *err = NULL;
  const gchar *main = protocols ? protocols[0] : NULL;
  Substream *ss;
  gboolean now;
  guint id;

  g_mutex_lock (&conn->lock);
  conn_catch_up_locked (conn);
  /* DESIGN.md: opening on a connection that is not connected fails at
   * once; one whose PeerConnection is up waits for its SCTP association */
  if (!conn->running || conn->ended || (!conn->connected && !conn->pc_up))
    return conn_fail_now_unlock (conn, main,
        gst_libp2p_error_new (GST_LIBP2P_ERROR_NOT_CONNECTED,
            "cannot open %s: the connection is not established",
            main ? main : "(null)"));
  ss = main ? open_outbound_locked (conn, protocols, -1, SVC_NONE, &err) : NULL;
  if (ss == NULL)
    return conn_fail_now_unlock (conn, main, err ? err :
        gst_libp2p_error_new (GST_LIBP2P_ERROR_INVALID_ARGUMENT,
            "no protocol given"));
  id = ss->id;
  now = conn->connected;
  ss_ref (ss);
  g_mutex_unlock (&conn->lock);
  /* created at once, no hop through the worker: it costs open latency */
  if (now)
    conn_create_channel (conn, ss);
  ss_unref (ss);
  return id;
}

/* ---- sink pads ---- */

void
conn_pad_set_connection (GstLibp2pPad * pad, GstLibp2pConnection * conn)
{
  GstLibp2pConnection *old;

  GST_OBJECT_LOCK (pad);
  old = pad->connection;
  pad->connection = conn ? gst_libp2p_connection_ref (conn) : NULL;
  GST_OBJECT_UNLOCK (pad);
  if (old)
    gst_libp2p_connection_unref (old);
}

GstLibp2pSinkBind
gst_libp2p_connection_add_sink_pad (GstLibp2pConnection * conn,
    GstLibp2pPad * pad, const gchar * key, gint n, gboolean dial,
    const gchar * dial_protocol)
{
  Substream *ss, *now = NULL;

  g_mutex_lock (&conn->lock);
  ss = find_substream_locked (conn, key, n);
  if (ss && ss->sinkpad) {
    g_mutex_unlock (&conn->lock);
    return GST_LIBP2P_SINK_BIND_DUPLICATE;
  }
  conn_catch_up_locked (conn);
  if (ss == NULL && dial && !key_n_reserved_locked (conn, key, n)) {
    const gchar *list[2] = { dial_protocol, NULL };

    if (dial_protocol == NULL) {
      g_mutex_unlock (&conn->lock);
      return GST_LIBP2P_SINK_BIND_NO_PROTOCOL;
    }
    ss = open_outbound_locked (conn, list, n, SVC_NONE, NULL);
    if (ss && conn->connected && conn->running)
      now = ss_ref (ss);
  }
  conn_pad_set_connection (pad, conn);
  if (ss)
    pads_bind_sink_locked (pad, ss);
  else
    conn->waiting_pads = g_list_prepend (conn->waiting_pads, pad);
  g_mutex_unlock (&conn->lock);

  if (now) {
    /* connected already: open now (else when the connection comes up) */
    conn_create_channel (conn, now);
    ss_unref (now);
  }
  return GST_LIBP2P_SINK_BIND_OK;
}

void
gst_libp2p_connection_remove_sink_pad (GstLibp2pConnection * conn,
    GstLibp2pPad * pad)
{
  Substream *ss = NULL;

  g_mutex_lock (&conn->lock);
  conn->waiting_pads = g_list_remove (conn->waiting_pads, pad);
  if (pad->substream) {
    ss = ss_ref (pad->substream);
    if (ss->sinkpad == GST_PAD (pad))
      ss->sinkpad = NULL;
    ss_wake_writers_locked (ss);
  }
  g_cond_broadcast (&pad->cond);
  /* the writer is gone: FIN */
  if (ss)
    ss_close_write_locked (ss);
  g_mutex_unlock (&conn->lock);
  if (ss)
    ss_unref (ss);
}

