/* gst-libp2p: keepalive, our own pings on /ipfs/ping/1.0.0
 *
 * libp2p/specs ping/ping.md: the pinger sends 32 random bytes, the
 * responder echoes them, and the stream is reused for the next ping.  Once
 * the connection is up the connection opens one such substream (a service:
 * no pads, never reported as a substream), pings on it every
 * ping_interval and measures the round trip (stats: ping-rtt).
 *
 * What ends the connection: a ping (or the substream that carries it) not
 * answered within ping_timeout.  A remote that is silent, killed or cut off
 * is so declared lost within ping_interval + ping_timeout (15 s by default).
 * What does not: a remote that refuses ping (na), resets or breaks our
 * pinger: it is alive and said so; the keepalive stops for that connection
 * (the transport's own ICE checks remain).  A pinger the remote closes
 * cleanly between pings is opened again at the next interval.
 *
 * The other way round, our end: gst_libp2p_connection_abort() tells the
 * remote at once when the owner goes down (an SCTP ABORT, which webrtcbin
 * 1.22 never sends; gstlibp2psctpend.c), so that its keepalive need not.
 *
 * One timer at a time: while a ping is out it is the answer's deadline,
 * else the next ping.  Everything runs under conn->lock (webrtcbin's thread
 * for frames, the clock's thread for the timer); the loss is reported by
 * conn_end() once the lock is dropped.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstlibp2pconnection-priv.h"
#include "gstlibp2pwebrtcbin.h"

#define GST_CAT_DEFAULT gst_libp2p_connection_debug

#define ka_remote conn_remote_name_locked

static gboolean ka_timer_cb (GstClock * clock, GstClockTime time,
    GstClockID id, gpointer user_data);

static void
ka_arm_locked (GstLibp2pConnection * conn, GstClockTime timeout)
{
  conn_timer_cancel (&conn->ping_timer);
  conn->ping_timer = conn_timer_start (timeout, ka_timer_cb,
      gst_libp2p_connection_ref (conn), conn_unref_gp);
}

/* A ping goes out on @ss, its deadline armed. */
static void
ka_ping_locked (Substream * ss, GPtrArray * to_send)
{
  GstLibp2pConnection *conn = ss->conn;
  guint i;

  for (i = 0; i < LP2P_PING_SIZE; i += 4) {
    guint32 r = g_random_int ();

    memcpy (conn->ping_payload + i, &r, 4);
  }
  svc_append_frames_locked (ss, conn->ping_payload, LP2P_PING_SIZE, to_send);
  conn->ping_sent_us = conn_now_us ();
  conn->stat_pings_sent++;
  if (!conn->ping_waiting) {
    conn->ping_waiting = TRUE;
    ka_arm_locked (conn, conn->settings.ping_timeout);
  }
}

void
svc_start_keepalive_locked (GstLibp2pConnection * conn)
{
  const gchar *const proposals[] = { LP2P_PING_PROTOCOL, NULL };
  Substream *ss;

  if (conn->settings.ping_interval == 0 || conn->ping_ss || conn->ping_off ||
      conn->stopping || conn->ended || !conn->connected)
    return;
  ss = conn_open_service_locked (conn, proposals, SVC_PINGER);
  if (ss == NULL)
    return;
  conn->ping_ss = ss_ref (ss);
  /* from here to the first answer: the remote must negotiate and echo */
  conn->ping_waiting = TRUE;
  ka_arm_locked (conn, conn->settings.ping_timeout);
}

/* Turns the keepalive off for this connection: the remote answers, but not
 * our pings. */
static void
ka_off_locked (GstLibp2pConnection * conn, const gchar * why)
{
  if (conn->ping_off)
    return;
  GST_INFO ("keepalive of %s off: %s", ka_remote (conn), why);
  conn->ping_off = TRUE;
  conn->ping_waiting = FALSE;
  conn_timer_cancel (&conn->ping_timer);
}

void
ka_on_open_locked (Substream * ss, GPtrArray * to_send)
{
  if (ss->conn->ping_ss == ss)
    ka_ping_locked (ss, to_send);
}

void
ka_on_payload_locked (Substream * ss, const guint8 * data, gsize size)
{
  GstLibp2pConnection *conn = ss->conn;

  if (ss->svc_in == NULL)
    ss->svc_in = g_byte_array_new ();
  g_byte_array_append (ss->svc_in, data, size);
  if (!conn->ping_waiting || conn->ping_ss != ss) {
    ss_end_locked (ss, gst_libp2p_error_new
        (GST_LIBP2P_ERROR_PROTOCOL_VIOLATION, "ping: %s sent %u bytes no "
            "ping asked for", ka_remote (conn), ss->svc_in->len), TRUE);
    return;
  }
  if (ss->svc_in->len < LP2P_PING_SIZE)
    return;
  if (ss->svc_in->len > LP2P_PING_SIZE ||
      memcmp (ss->svc_in->data, conn->ping_payload, LP2P_PING_SIZE) != 0) {
    ss_end_locked (ss, gst_libp2p_error_new
        (GST_LIBP2P_ERROR_PROTOCOL_VIOLATION, "ping: %s did not echo our "
            "ping", ka_remote (conn)), TRUE);
    return;
  }
  g_byte_array_set_size (ss->svc_in, 0);
  conn->stat_ping_rtt = (conn_now_us () - conn->ping_sent_us) * GST_USECOND;
  conn->stat_pongs++;
  conn->ping_waiting = FALSE;
  GST_LOG ("ping of %s: %" GST_TIME_FORMAT, ka_remote (conn),
      GST_TIME_ARGS (conn->stat_ping_rtt));
  ka_arm_locked (conn, conn->settings.ping_interval);
}

void
ka_on_remote_fin_locked (Substream * ss, GPtrArray * to_send)
{
  GstLibp2pConnection *conn = ss->conn;

  /* no more pings on it: the next interval opens another */
  if (conn->ping_ss == ss && !conn->ping_waiting)
    g_clear_pointer (&conn->ping_ss, ss_unref);
  ss_close_write_to_locked (ss, to_send);
}

void
ka_on_end_locked (Substream * ss)
{
  GstLibp2pConnection *conn = ss->conn;
  gint code = ss->error ? ss->error->code : -1;

  if (conn->ping_ss != ss)
    return;
  g_clear_pointer (&conn->ping_ss, ss_unref);
  if (conn->stopping || conn->ended || !conn->ping_waiting)
    return;
  /* silence (no negotiation, the connection going) is the deadline's to
   * judge; anything the remote said is an answer */
  if (code == GST_LIBP2P_ERROR_TIMEOUT ||
      code == GST_LIBP2P_ERROR_NOT_CONNECTED)
    return;
  ka_off_locked (conn, ss->error ? ss->error->message :
      "it closed our ping substream");
}

static gboolean
ka_timer_cb (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer user_data)
{
  GstLibp2pConnection *conn = user_data;
  g_autoptr (GPtrArray) to_send = NULL;
  g_autofree gchar *who = NULL;
  Substream *ss = NULL;

  g_mutex_lock (&conn->lock);
  if (conn->ping_timer != id || !conn->connected || conn->stopping ||
      conn->ended) {
    g_mutex_unlock (&conn->lock);
    return TRUE;
  }
  gst_clock_id_unref (conn->ping_timer);
  conn->ping_timer = NULL;
  if (conn->ping_waiting) {
    who = g_strdup (ka_remote (conn));
  } else if (conn->ping_ss == NULL) {
    svc_start_keepalive_locked (conn);
  } else {
    ss = ss_ref (conn->ping_ss);
    to_send = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
    ka_ping_locked (ss, to_send);
    ss_flush_locked (ss, to_send);
    ss_unref (ss);
  }
  g_mutex_unlock (&conn->lock);
  if (who)
    conn_end (conn, FALSE, "was lost", "%s did not answer a ping within %"
        GST_TIME_FORMAT ": the connection is lost", who,
        GST_TIME_ARGS (conn->settings.ping_timeout));
  return TRUE;
}

void
ka_stop_locked (GstLibp2pConnection * conn)
{
  conn_timer_cancel (&conn->ping_timer);
  conn->ping_waiting = FALSE;
  g_clear_pointer (&conn->ping_ss, ss_unref);
}

/* ---- our end, told to the remote ---- */

gboolean
gst_libp2p_connection_abort (GstLibp2pConnection * conn)
{
  GstLibp2pRtc *rtc = NULL;
  gboolean sent = FALSE;

  g_mutex_lock (&conn->lock);
  if (conn->rtc && conn->connected && !conn->ended)
    rtc = gst_libp2p_rtc_ref (conn->rtc);
  g_mutex_unlock (&conn->lock);
  if (rtc) {
    sent = gst_libp2p_rtc_abort (rtc);
    gst_libp2p_rtc_unref (rtc);
  }
  return sent;
}
