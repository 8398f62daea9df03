/* gst-libp2p: channel 0 and the WebRTC-direct handshake of a connection
 *
 * libp2p/specs webrtc/webrtc-direct.md.  The server (WebRTC answerer) is
 * the Noise initiator, the client the responder; the prologue binds both
 * DTLS certificates (direct.h).  Roles (GstLibp2pConnectionRole):
 *
 *   DIAL       the client: the offer is munged (ufrag = pwd =
 *              libp2p+webrtc+v1/<random>, max-message-size 16384), the
 *              server's answer made up from the multiaddr (ICE-lite, DTLS
 *              passive, the certhash as fingerprint); once channel 0 carries
 *              the server's first Noise message the server's DTLS
 *              certificate is checked against the certhash (webrtcbin 1.22
 *              does not) and Noise answers as responder;
 *   ACCEPTED   the server side of a client a listener took in: Noise
 *              initiator as soon as channel 0 is open;
 *   SIGNALLED_NOISE_*  either role over a connection the application
 *              signalled (fingerprints read from both DTLS certificates).
 *
 * Noise runs on the connection's worker (one job per channel-0 message):
 * its X25519 and Ed25519 operations stay off webrtcbin's thread.  The
 * connection counts as connected, and substreams open, only once the
 * remote proved its identity (and it equals /p2p/ when given).  The whole
 * of ICE, DTLS, SCTP and Noise is bounded by connect-timeout.  After the
 * handshake channel 0 stays open and idle: what arrives on it (rust-libp2p
 * sends FIN) is dropped.  A remote that closes its channel 0 may announce
 * a new one with id 0: that is an ordinary substream (gstlibp2pwebrtc.c).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlibp2pconnection-priv.h"
#include "gstlibp2pwebrtcbin.h"

#include "sdp.h"

#include <gio/gio.h>
#include <openssl/rand.h>
#include <string.h>

#define GST_CAT_DEFAULT gst_libp2p_connection_debug

gboolean
hs_uses_noise (const GstLibp2pConnectionSettings * s)
{
  return s->role != GST_LIBP2P_CONNECTION_SIGNALLED;
}

static gboolean
hs_is_initiator (const GstLibp2pConnectionSettings * s)
{
  return s->role == GST_LIBP2P_CONNECTION_ACCEPTED ||
      s->role == GST_LIBP2P_CONNECTION_SIGNALLED_NOISE_INITIATOR;
}

static const gchar *
hs_remote_name (GstLibp2pConnection * conn)
{
  return conn->settings.peer_address ? conn->settings.peer_address :
      "the remote";
}

const gchar *
conn_remote_name_locked (GstLibp2pConnection * conn)
{
  return conn->remote_peer_id ? conn->remote_peer_id : hs_remote_name (conn);
}

/* The webrtcbin room while the connection runs (a reference), else NULL:
 * timers and webrtcbin's promises may fire while the connection stops. */
static GstLibp2pRtc *
hs_rtc (GstLibp2pConnection * conn)
{
  GstLibp2pRtc *rtc = NULL;

  g_mutex_lock (&conn->lock);
  if (conn->rtc && conn->running)
    rtc = gst_libp2p_rtc_ref (conn->rtc);
  g_mutex_unlock (&conn->lock);
  return rtc;
}


/* ---- the end of the handshake ---- */

static void
hs_connected (GstLibp2pConnection * conn, const Lp2pPeerId * remote)
{
  g_autofree gchar *peer = lp2p_peer_id_to_string (remote);

  g_mutex_lock (&conn->lock);
  if (!conn->running || conn->ended) {
    g_mutex_unlock (&conn->lock);
    return;
  }
  conn_timer_cancel (&conn->connect_timer);
  g_free (conn->remote_peer_id);
  conn->remote_peer_id = g_strdup (peer);
  conn_set_connected_locked (conn);
  svc_start_identify_locked (conn);
  g_mutex_unlock (&conn->lock);
  GST_INFO ("connected to %s, authenticated as %s", hs_remote_name (conn),
      peer);
  conn->owner->connected (conn->owner_data, peer);
}

static gboolean
connect_timer_cb (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer user_data)
{
  GstLibp2pConnection *conn = user_data;
  const Lp2pWebrtcDirectAddr *addr = &conn->settings.addr;
  g_autoptr (GstLibp2pRtc) rtc = NULL;
  g_autofree gchar *stage = NULL;
  guint rx;

  g_mutex_lock (&conn->lock);
  if (conn->connect_timer != id || conn->rtc == NULL || !conn->running) {
    g_mutex_unlock (&conn->lock);
    return TRUE;
  }
  gst_clock_id_unref (conn->connect_timer);
  conn->connect_timer = NULL;
  rx = conn->noise_rx;
  rtc = gst_libp2p_rtc_ref (conn->rtc);
  g_mutex_unlock (&conn->lock);

  /* webrtcbin 1.22 leaves ice-connection-state at "new" on a connection
   * without media transceivers: ask the PeerConnection first */
  if (conn->settings.role == GST_LIBP2P_CONNECTION_DIAL && addr->family == 0)
    stage = g_strdup_printf ("'%s' was not resolved", addr->name);
  else if (gst_libp2p_rtc_get_state (rtc) == GST_LIBP2P_RTC_STATE_CONNECTED)
    stage = g_strdup_printf ("the Noise handshake did not finish (%u "
        "message%s from the %s)", rx, rx == 1 ? "" : "s",
        hs_is_initiator (&conn->settings) ? "client" : "node");
  else if (gst_libp2p_rtc_ice_connected (rtc))
    stage = g_strdup ("ICE connected but DTLS did not");
  else if (conn->settings.role == GST_LIBP2P_CONNECTION_DIAL)
    stage = g_strdup_printf ("no ICE connectivity to %s port %u (is a "
        "WebRTC-direct node listening there?)", addr->host, addr->port);
  else
    stage = g_strdup ("no ICE connectivity");
  conn_end (conn, FALSE, "was not established", "could not connect to %s "
      "within %" GST_TIME_FORMAT ": %s", hs_remote_name (conn),
      GST_TIME_ARGS (conn->settings.connect_timeout), stage);
  return TRUE;
}

/* ---- Noise on channel 0 ---- */

static void
hs_send (GstLibp2pConnection * conn, GPtrArray * frames)
{
  guint i;

  /* channel 0 changes only in stop, after the worker has drained */
  for (i = 0; conn->channel0 && i < frames->len; i++)
    gst_libp2p_channel_send (conn->channel0, g_ptr_array_index (frames, i),
        NULL);
}

/* Installs @noise unless the connection stopped meanwhile (webrtcbin's
 * promise may answer after hs_stop()); FALSE then, @noise freed. */
static gboolean
hs_set_noise (GstLibp2pConnection * conn, Lp2pDirectNoise * noise)
{
  gboolean ok;

  g_mutex_lock (&conn->lock);
  ok = conn->running && !conn->ended;
  if (ok) {
    lp2p_direct_noise_free (conn->noise);
    conn->noise = noise;
  }
  g_mutex_unlock (&conn->lock);
  if (!ok)
    lp2p_direct_noise_free (noise);
  return ok;
}

/* Signalled roles and ACCEPTED: both fingerprints from the DTLS
 * certificates, known once channel 0 opened.  Worker. */
static gboolean
hs_make_noise (GstLibp2pConnection * conn, GError ** error)
{
  g_autofree gchar *local = NULL;
  g_autofree gchar *remote = NULL;
  guint8 lfp[32], rfp[32];
  gboolean initiator = hs_is_initiator (&conn->settings);
  g_autoptr (GstLibp2pRtc) rtc = hs_rtc (conn);
  Lp2pDirectNoise *noise;

  if (rtc)
    gst_libp2p_rtc_get_certificates (rtc, &local, &remote);
  if (!lp2p_certificate_pem_fingerprint (local, lfp) ||
      !lp2p_certificate_pem_fingerprint (remote, rfp)) {
    g_set_error_literal (error, LP2P_DIRECT_ERROR, LP2P_DIRECT_ERROR_NOISE,
        "the DTLS certificates cannot be read");
    return FALSE;
  }
  /* prologue: client fingerprint, then server fingerprint */
  noise = lp2p_direct_noise_new (initiator, conn->settings.identity,
      initiator ? rfp : lfp, initiator ? lfp : rfp, NULL, NULL, NULL, error);
  if (noise == NULL)
    return FALSE;
  return hs_set_noise (conn, noise);
}

/* The handshake failed: @auth when the remote did not prove who it is. */
static void
hs_fail (GstLibp2pConnection * conn, gboolean auth, const GError * err)
{
  conn_end (conn, auth, "was not established", "WebRTC-direct handshake "
      "with %s failed: %s", hs_remote_name (conn), err->message);
}

/* The roles without a dial make their Noise state once channel 0 is up;
 * FALSE (reported) if they cannot.  Worker. */
static gboolean
hs_ensure_noise (GstLibp2pConnection * conn)
{
  g_autoptr (GError) err = NULL;

  if (conn->noise || conn->settings.role == GST_LIBP2P_CONNECTION_DIAL ||
      hs_make_noise (conn, &err))
    return TRUE;
  /* no error: the connection ended or stopped meanwhile (hs_set_noise) */
  if (err)
    hs_fail (conn, FALSE, err);
  return FALSE;
}

void
hs_job_noise_start (GstLibp2pConnection * conn)
{
  g_autoptr (GPtrArray) out =
      g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GError) err = NULL;
  Lp2pDirectStatus status = LP2P_DIRECT_NEED_MORE;

  if (!hs_ensure_noise (conn) || !hs_is_initiator (&conn->settings))
    return;
  g_mutex_lock (&conn->lock);
  /* on-open and our own look at the channel may both schedule this */
  if (conn->noise && !conn->noise_started) {
    conn->noise_started = TRUE;
    status = lp2p_direct_noise_start (conn->noise, out, &err);
  }
  g_mutex_unlock (&conn->lock);
  hs_send (conn, out);
  if (status == LP2P_DIRECT_FAILED)
    hs_fail (conn, FALSE, err);
}

/* DIAL: the node's DTLS certificate must be the certhash's; a mismatch is
 * named as such instead of showing up as a failed Noise handshake (the
 * prologue binds the certhash too, so nothing gets through either way). */
static gboolean
hs_check_certhash (GstLibp2pConnection * conn, gchar ** why)
{
  const Lp2pWebrtcDirectAddr *addr = &conn->settings.addr;
  g_autofree gchar *local = NULL;
  g_autofree gchar *remote = NULL;
  g_autoptr (GstLibp2pRtc) rtc = hs_rtc (conn);
  guint8 fp[32];

  if (rtc)
    gst_libp2p_rtc_get_certificates (rtc, &local, &remote);
  if (!lp2p_certificate_pem_fingerprint (remote, fp)) {
    GST_WARNING ("cannot read the server's DTLS certificate; the Noise "
        "prologue still checks the certhash");
    return TRUE;
  }
  if (memcmp (fp, addr->certhash, 32) != 0) {
    g_autofree gchar *got = lp2p_certhash_encode (fp);
    g_autofree gchar *want = lp2p_certhash_encode (addr->certhash);

    *why = g_strdup_printf ("the node at %s port %u has a DTLS certificate "
        "with certhash %s, not %s as peer-address says", addr->host,
        addr->port, got, want);
    return FALSE;
  }
  return TRUE;
}

void
hs_job_noise (GstLibp2pConnection * conn, GBytes * data)
{
  g_autoptr (GPtrArray) out =
      g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GError) err = NULL;
  g_autofree gchar *why = NULL;
  Lp2pDirectStatus status = LP2P_DIRECT_NEED_MORE;
  Lp2pPeerId remote;
  gboolean check;
  gsize len;
  const guint8 *d = g_bytes_get_data (data, &len);

  g_mutex_lock (&conn->lock);
  check = conn->settings.role == GST_LIBP2P_CONNECTION_DIAL &&
      !conn->cert_checked;
  conn->cert_checked = TRUE;
  g_mutex_unlock (&conn->lock);
  if (check && !hs_check_certhash (conn, &why)) {
    conn_end (conn, TRUE, "was not established", "%s", why);
    return;
  }
  if (!hs_ensure_noise (conn))
    return;

  g_mutex_lock (&conn->lock);
  if (conn->noise) {
    conn->noise_rx++;
    status = lp2p_direct_noise_feed (conn->noise, d, len, out, &err);
    if (status == LP2P_DIRECT_DONE)
      remote = *lp2p_direct_noise_get_remote_peer_id (conn->noise);
  }
  g_mutex_unlock (&conn->lock);

  hs_send (conn, out);
  if (status == LP2P_DIRECT_DONE)
    hs_connected (conn, &remote);
  else if (status == LP2P_DIRECT_FAILED)
    hs_fail (conn, err->code != LP2P_DIRECT_ERROR_CLOSED &&
        err->code != LP2P_DIRECT_ERROR_FRAME, err);
}

static void
hs_on_ch0_open (gpointer data)
{
  GstLibp2pConnection *conn = data;

  g_mutex_lock (&conn->lock);
  if (conn->settings.role != GST_LIBP2P_CONNECTION_DIAL)
    conn_schedule_locked (conn, JOB_NOISE_START, NULL, NULL);
  g_mutex_unlock (&conn->lock);
}

static void
hs_on_ch0_message (gpointer data, GBytes * bytes)
{
  GstLibp2pConnection *conn = data;

  g_mutex_lock (&conn->lock);
  if (!conn->connected && !conn->ended)
    conn_schedule_locked (conn, JOB_NOISE, NULL, bytes);
  g_mutex_unlock (&conn->lock);
}

static const GstLibp2pChannelFuncs ch0_funcs = {
  hs_on_ch0_open, hs_on_ch0_message, NULL, NULL, NULL
};

/* ---- the WebRTC-direct dial ---- */

static void
hs_on_descriptions (gpointer data, gboolean answer_step, const gchar * error)
{
  GstLibp2pConnection *conn = data;

  if (error && answer_step)
    conn_end (conn, FALSE, "was not established", "webrtcbin refused the "
        "answer made from %s: %s", hs_remote_name (conn), error);
  else if (error)
    conn_end (conn, FALSE, "was not established", "webrtcbin refused our "
        "munged offer: %s", error);
}

static void
hs_on_offer (gpointer data, const gchar * sdp, const gchar * error)
{
  GstLibp2pConnection *conn = data;
  g_autofree gchar *ufrag = NULL;
  g_autofree gchar *answer = NULL;
  g_autoptr (GError) err = NULL;
  const Lp2pWebrtcDirectAddr *addr = &conn->settings.addr;
  guint8 rnd[LP2P_UFRAG_RANDOM_LEN];
  g_autoptr (GstLibp2pRtc) rtc = hs_rtc (conn);
  Lp2pMungedOffer m;
  Lp2pDirectNoise *noise;

  if (rtc == NULL)
    return;
  if (sdp == NULL) {
    conn_end (conn, FALSE, "was not established", "%s", error);
    return;
  }
  if (RAND_bytes (rnd, sizeof (rnd)) != 1) {
    conn_end (conn, FALSE, "was not established", "OpenSSL's random "
        "generator failed");
    return;
  }
  ufrag = lp2p_ufrag_new (rnd);
  if (!lp2p_sdp_munge_offer (sdp, ufrag, &m, &err)) {
    conn_end (conn, FALSE, "was not established", "%s", err->message);
    return;
  }
  noise = lp2p_direct_noise_new (FALSE, conn->settings.identity,
      m.fingerprint, addr->certhash, addr->has_peer_id ? &addr->peer_id :
      NULL, NULL, NULL, &err);
  if (noise == NULL) {
    lp2p_munged_offer_clear (&m);
    conn_end (conn, FALSE, "was not established", "%s", err->message);
    return;
  }
  if (!hs_set_noise (conn, noise)) {
    lp2p_munged_offer_clear (&m);
    return;
  }

  answer = lp2p_sdp_server_answer (addr, ufrag, m.mid, m.bundle);
  GST_DEBUG ("munged offer:\n%s\nanswer made from %s:\n%s", m.sdp,
      hs_remote_name (conn), answer);
  gst_libp2p_rtc_set_descriptions (rtc, m.sdp, answer,
      hs_on_descriptions, gst_libp2p_connection_ref (conn), conn_unref_gp);
  lp2p_munged_offer_clear (&m);
}

static void
hs_dial (GstLibp2pConnection * conn)
{
  const Lp2pWebrtcDirectAddr *addr = &conn->settings.addr;
  g_autoptr (GstLibp2pRtc) rtc = hs_rtc (conn);

  if (rtc == NULL)
    return;
  gst_libp2p_rtc_configure_direct_ice (rtc,
      lp2p_webrtc_direct_addr_is_loopback (addr) ? addr->family : 0);
  GST_INFO ("dialing %s (%s port %u)", hs_remote_name (conn), addr->host,
      addr->port);
  gst_libp2p_rtc_create_offer (rtc, hs_on_offer,
      gst_libp2p_connection_ref (conn), conn_unref_gp);
}

/* /dns, /dns4, /dns6: the SDP needs an address.  Runs on the worker (the
 * system resolver blocks); the connect timer bounds it like the rest. */
void
hs_job_resolve (GstLibp2pConnection * conn)
{
  g_autoptr (GResolver) resolver = g_resolver_get_default ();
  g_autoptr (GError) err = NULL;
  Lp2pWebrtcDirectAddr *addr = &conn->settings.addr;
  GResolverNameLookupFlags flags = addr->name_family == 4 ?
      G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY : addr->name_family == 6 ?
      G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY :
      G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT;
  GList *list;
  GInetAddress *ia;
  gboolean go;

  list = g_resolver_lookup_by_name_with_flags (resolver, addr->name, flags,
      NULL, &err);
  if (list == NULL) {
    conn_end (conn, FALSE, "was not established", "cannot resolve '%s' of "
        "%s: %s", addr->name, hs_remote_name (conn), err->message);
    return;
  }
  ia = list->data;
  g_mutex_lock (&conn->lock);
  go = conn->running && !conn->ended;
  if (go)
    lp2p_webrtc_direct_addr_set_ip (addr,
        g_inet_address_get_family (ia) == G_SOCKET_FAMILY_IPV4 ? 4 : 6,
        g_inet_address_to_bytes (ia));
  g_mutex_unlock (&conn->lock);
  g_resolver_free_addresses (list);
  if (go) {
    GST_INFO ("%s is %s", addr->name, addr->host);
    hs_dial (conn);
  }
}

/* ---- the listener's side ---- */

static void
hs_on_accepted (gpointer data, gboolean answer_step, const gchar * error)
{
  GstLibp2pConnection *conn = data;

  if (error)
    conn_end (conn, FALSE, "was not established", "webrtcbin refused the "
        "offer inferred for %s: %s", hs_remote_name (conn), error);
}

static void
hs_accept (GstLibp2pConnection * conn)
{
  g_autoptr (GstLibp2pRtc) rtc = hs_rtc (conn);

  if (rtc == NULL)
    return;
  GST_INFO ("accepting %s", hs_remote_name (conn));
  gst_libp2p_rtc_accept (rtc, conn->settings.accept_offer,
      conn->settings.accept_local, hs_on_accepted, gst_libp2p_connection_ref (conn), conn_unref_gp);
}

/* ---- start and stop ---- */

void
hs_start (GstLibp2pConnection * conn)
{
  gboolean open;

  gst_libp2p_channel_attach (conn->channel0, &ch0_funcs, conn, conn_ref_gp,
      conn_unref_gp);
  g_mutex_lock (&conn->lock);
  conn->connect_timer = conn_timer_start (conn->settings.connect_timeout,
      connect_timer_cb, gst_libp2p_connection_ref (conn), conn_unref_gp);
  if (conn->settings.role == GST_LIBP2P_CONNECTION_DIAL &&
      conn->settings.addr.has_name)
    conn_schedule_locked (conn, JOB_RESOLVE, NULL, NULL);
  g_mutex_unlock (&conn->lock);
  if (conn->settings.role == GST_LIBP2P_CONNECTION_DIAL) {
    if (!conn->settings.addr.has_name)
      hs_dial (conn);
    return;
  }
  if (conn->settings.role == GST_LIBP2P_CONNECTION_ACCEPTED)
    hs_accept (conn);
  /* channel 0 may have opened before our handler was connected */
  open = gst_libp2p_channel_is_open (conn->channel0);
  if (open)
    hs_on_ch0_open (conn);
}

void
hs_stop (GstLibp2pConnection * conn)
{
  g_mutex_lock (&conn->lock);
  conn_timer_cancel (&conn->connect_timer);
  g_clear_pointer (&conn->noise, lp2p_direct_noise_free);
  g_mutex_unlock (&conn->lock);
}
