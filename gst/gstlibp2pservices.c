/* gst-libp2p: the protocols a connection serves itself, without pads
 *
 *   /ipfs/ping/1.0.0  responder (libp2p/specs ping/ping.md): every payload
 *                     is echoed on the same stream; FIN after the pinger's.
 *   /ipfs/id/1.0.0    (libp2p/specs identify/README.md) responder: our
 *                     Identify message, then FIN; requester: once the
 *                     handshake authenticated the remote, one substream
 *                     that reads the remote's message (bounded by
 *                     LP2P_IDENTIFY_MAX_MESSAGE), checks that its public
 *                     key is the one Noise proved, and tells the owner.
 *
 * A protocol listed in 'protocols' is the application's, never served
 * here.  A service substream is never reported as a substream: the
 * requester's outcome is the identify report.  Locks and threads:
 * gstlibp2pconnection-priv.h (everything here runs under conn->lock, on
 * webrtcbin's thread, but svc_job_identified on the worker).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlibp2pconnection-priv.h"
#include "gstlibp2pwebrtcbin.h"

#include "identify.h"
#include "identity.h"

#define GST_CAT_DEFAULT gst_libp2p_connection_debug

/* What js-libp2p, rust-libp2p and go-libp2p send (identify README). */
#define LP2P_IDENTIFY_PROTOCOL_VERSION "ipfs/0.1.0"
/* From the request to the remote's whole message (js-libp2p's identify
 * timeout is 5 s, rust-libp2p's stream timeout 10 s). */
#define LP2P_IDENTIFY_TIMEOUT (10 * GST_SECOND)

static GstClockTime
identify_timeout (GstLibp2pConnection * conn)
{
  return conn->settings.identify_timeout ? conn->settings.identify_timeout :
      LP2P_IDENTIFY_TIMEOUT;
}

gboolean
svc_answers (GstLibp2pConnection * conn, const gchar * protocol)
{
  return svc_for_inbound (conn, protocol) != SVC_NONE;
}

Service
svc_for_inbound (GstLibp2pConnection * conn, const gchar * protocol)
{
  if (conn_settings_list (&conn->settings, protocol))
    return SVC_NONE;
  if (conn->settings.ping_responder && g_str_equal (protocol,
          LP2P_PING_PROTOCOL))
    return SVC_PING_RESPONDER;
  if (conn->settings.identify && g_str_equal (protocol,
          LP2P_IDENTIFY_PROTOCOL))
    return SVC_ID_RESPONDER;
  return SVC_NONE;
}

/* ---- the messages ---- */

void
svc_append_frames_locked (Substream * ss, const guint8 * d, gsize size,
    GPtrArray * to_send)
{
  GPtrArray *frames = lp2p_frame_encode_split (LP2P_FLAG_NONE, d, size,
      ss->conn->settings.max_frame_size);
  guint i;

  for (i = 0; i < frames->len; i++)
    g_ptr_array_add (to_send, g_bytes_ref (g_ptr_array_index (frames, i)));
  g_ptr_array_unref (frames);
  ss->bytes_out += size;
}

/* Our Identify: what we are and accept, and how we see the remote. */
static GBytes *
our_identify_locked (GstLibp2pConnection * conn)
{
  const GstLibp2pConnectionSettings *s = &conn->settings;
  Lp2pIdentify id;
  GBytes *msg;
  guint i;

  lp2p_identify_init (&id);
  id.protocol_version = g_strdup (LP2P_IDENTIFY_PROTOCOL_VERSION);
  id.agent_version = g_strdup (s->agent_version);
  if (s->identity) {
    guint8 pb[LP2P_ED25519_PUBLIC_KEY_PB_LEN];

    lp2p_identity_get_public_key_pb (s->identity, pb);
    id.public_key = g_bytes_new (pb, sizeof (pb));
  }
  for (i = 0; conn->listen_protocols[i]; i++)
    g_ptr_array_add (id.protocols, g_strdup (conn->listen_protocols[i]));
  /* a dialer listens nowhere; the address it dialed is the remote's */
  if (s->role == GST_LIBP2P_CONNECTION_DIAL)
    id.observed_addr = lp2p_webrtc_direct_addr_to_bytes (&s->addr);
  msg = lp2p_identify_encode_delimited (&id);
  lp2p_identify_clear (&id);
  return msg;
}

static GValue *
strings_value (GPtrArray * items, gboolean multiaddrs)
{
  GValue *arr = g_new0 (GValue, 1);
  guint i;

  g_value_init (arr, GST_TYPE_ARRAY);
  for (i = 0; i < items->len; i++) {
    GValue v = G_VALUE_INIT;
    gchar *text;

    if (multiaddrs) {
      GBytes *b = g_ptr_array_index (items, i);
      g_autoptr (GError) err = NULL;
      gsize len;
      const guint8 *d = g_bytes_get_data (b, &len);

      if ((text = lp2p_multiaddr_bytes_to_string (d, len, &err)) == NULL) {
        GST_INFO ("identify: a listen address we cannot read: %s",
            err->message);
        continue;
      }
    } else {
      text = g_strdup (g_ptr_array_index (items, i));
    }
    g_value_init (&v, G_TYPE_STRING);
    g_value_take_string (&v, text);
    gst_value_array_append_and_take_value (arr, &v);
  }
  return arr;
}

/* The libp2p-identify structure of what the remote said, or NULL + @error
 * when its public key is not the one the handshake proved. */
static GstStructure *
identify_structure (GstLibp2pConnection * conn, Lp2pIdentify * id,
    GError ** error)
{
  GstStructure *st;
  GValue *v;

  if (id->public_key && conn->remote_peer_id) {
    Lp2pPeerId said;
    g_autofree gchar *text = NULL;
    gsize len;
    const guint8 *d = g_bytes_get_data (id->public_key, &len);

    lp2p_peer_id_from_public_key (d, len, &said);
    text = lp2p_peer_id_to_string (&said);
    if (!g_str_equal (text, conn->remote_peer_id)) {
      *error = gst_libp2p_error_new (GST_LIBP2P_ERROR_PROTOCOL_VIOLATION,
          "identify: the public key of %s is %s's", conn->remote_peer_id,
          text);
      return NULL;
    }
  }
  st = gst_structure_new ("libp2p-identify", "peer-id", G_TYPE_STRING,
      conn->remote_peer_id, NULL);
  if (id->protocol_version)
    gst_structure_set (st, "protocol-version", G_TYPE_STRING,
        id->protocol_version, NULL);
  if (id->agent_version)
    gst_structure_set (st, "agent-version", G_TYPE_STRING, id->agent_version,
        NULL);
  v = strings_value (id->protocols, FALSE);
  gst_structure_take_value (st, "protocols", v);
  g_free (v);
  v = strings_value (id->listen_addrs, TRUE);
  gst_structure_take_value (st, "listen-addrs", v);
  g_free (v);
  if (id->observed_addr) {
    gsize len;
    const guint8 *d = g_bytes_get_data (id->observed_addr, &len);
    g_autofree gchar *text = lp2p_multiaddr_bytes_to_string (d, len, NULL);

    if (text)
      gst_structure_set (st, "observed-addr", G_TYPE_STRING, text, NULL);
  }
  return st;
}

/* The requester's outcome, once: kept, and the worker tells the owner. */
static void
identify_done_locked (GstLibp2pConnection * conn, GstStructure * info,
    GError * error)
{
  if (conn->remote_identify || conn->identify_error) {
    g_clear_pointer (&info, gst_structure_free);
    g_clear_error (&error);
    return;
  }
  conn->remote_identify = info;
  conn->identify_error = error;
  conn_timer_cancel (&conn->identify_timer);
  g_clear_pointer (&conn->identify_ss, ss_unref);
  if (error)
    GST_INFO ("identify of %s failed: %s", conn->remote_peer_id,
        error->message);
  conn_schedule_locked (conn, JOB_IDENTIFIED, NULL, NULL);
}

/* ---- the substreams ---- */

void
svc_on_open_locked (Substream * ss, GPtrArray * to_send)
{
  if (ss->service == SVC_ID_RESPONDER) {
    g_autoptr (GBytes) msg = our_identify_locked (ss->conn);
    gsize len;
    const guint8 *d = g_bytes_get_data (msg, &len);

    svc_append_frames_locked (ss, d, len, to_send);
  }
  if (ss->service == SVC_PINGER) {
    ka_on_open_locked (ss, to_send);
    return;
  }
  /* the identify requester writes nothing, the responder nothing more */
  if (ss->service != SVC_PING_RESPONDER)
    ss_close_write_to_locked (ss, to_send);
}

static void
requester_take_locked (Substream * ss, const guint8 * data, gsize size)
{
  GstLibp2pConnection *conn = ss->conn;
  Lp2pIdentify id = { 0 };
  GError *err = NULL;
  GstStructure *info;
  gsize used;

  if (ss->svc_in == NULL)
    ss->svc_in = g_byte_array_new ();
  g_byte_array_append (ss->svc_in, data, size);
  switch (lp2p_identify_read_delimited (ss->svc_in->data, ss->svc_in->len,
          &id, &used, &err)) {
    case LP2P_IDENTIFY_READ_NEED_MORE:
      return;
    case LP2P_IDENTIFY_READ_INVALID:
      ss_end_locked (ss, gst_libp2p_error_new
          (GST_LIBP2P_ERROR_PROTOCOL_VIOLATION, "identify of %s: %s",
              conn->remote_peer_id, err->message), TRUE);
      g_error_free (err);
      return;
    case LP2P_IDENTIFY_READ_OK:
      break;
  }
  info = identify_structure (conn, &id, &err);
  lp2p_identify_clear (&id);
  /* anything after the one message is ignored, up to the remote's FIN */
  g_byte_array_set_size (ss->svc_in, 0);
  identify_done_locked (conn, info, err);
  if (err)
    ss_end_locked (ss, g_error_copy (err), TRUE);
}

void
svc_on_payload_locked (Substream * ss, const guint8 * data, gsize size,
    GPtrArray * to_send)
{
  GstLibp2pConnection *conn = ss->conn;

  ss->bytes_in += size;
  switch (ss->service) {
    case SVC_PING_RESPONDER:
      svc_append_frames_locked (ss, data, size, to_send);
      conn->stat_pings++;
      break;
    case SVC_ID_REQUESTER:
      if (conn->remote_identify == NULL && conn->identify_error == NULL)
        requester_take_locked (ss, data, size);
      break;
    case SVC_PINGER:
      ka_on_payload_locked (ss, data, size);
      break;
    default:
      /* the identify responder reads nothing: dropped */
      break;
  }
}

void
svc_on_remote_fin_locked (Substream * ss, GPtrArray * to_send)
{
  /* the pinger is done: so is the responder (FIN after the echoes) */
  if (ss->service == SVC_PING_RESPONDER)
    ss_close_write_to_locked (ss, to_send);
  if (ss->service == SVC_PINGER)
    ka_on_remote_fin_locked (ss, to_send);
  if (ss->service == SVC_ID_REQUESTER && ss->conn->remote_identify == NULL)
    ss_end_locked (ss, gst_libp2p_error_new
        (GST_LIBP2P_ERROR_PROTOCOL_VIOLATION, "identify of %s: the stream "
            "ended inside the message (%u bytes of it)",
            ss->conn->remote_peer_id, ss->svc_in ? ss->svc_in->len : 0),
        FALSE);
}

void
svc_on_end_locked (Substream * ss)
{
  GstLibp2pConnection *conn = ss->conn;

  if (ss->service == SVC_PINGER)
    ka_on_end_locked (ss);
  if (ss->service != SVC_ID_REQUESTER || conn->stopping)
    return;
  identify_done_locked (conn, NULL, ss->error ? g_error_copy (ss->error) :
      gst_libp2p_error_new (GST_LIBP2P_ERROR_CLOSED, "identify of %s: the "
          "substream ended without a message", conn->remote_peer_id));
}

static gboolean
identify_timer_cb (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer user_data)
{
  GstLibp2pConnection *conn = user_data;

  g_mutex_lock (&conn->lock);
  if (conn->identify_timer == id && conn->identify_ss)
    ss_end_locked (conn->identify_ss, gst_libp2p_error_new
        (GST_LIBP2P_ERROR_TIMEOUT, "identify of %s: no answer within %"
            GST_TIME_FORMAT, conn->remote_peer_id,
            GST_TIME_ARGS (identify_timeout (conn))), TRUE);
  g_mutex_unlock (&conn->lock);
  return TRUE;
}

void
svc_start_identify_locked (GstLibp2pConnection * conn)
{
  const gchar *const proposals[] = { LP2P_IDENTIFY_PROTOCOL, NULL };
  Substream *ss;

  if (!conn->settings.identify || !hs_uses_noise (&conn->settings) ||
      conn->identify_ss || conn->stopping)
    return;
  ss = conn_open_service_locked (conn, proposals, SVC_ID_REQUESTER);
  if (ss == NULL)
    return;
  conn->identify_ss = ss_ref (ss);
  conn->identify_timer = conn_timer_start (identify_timeout (conn),
      identify_timer_cb, gst_libp2p_connection_ref (conn), conn_unref_gp);
}

void
svc_stop_locked (GstLibp2pConnection * conn)
{
  conn_timer_cancel (&conn->identify_timer);
  g_clear_pointer (&conn->identify_ss, ss_unref);
  ka_stop_locked (conn);
}

void
svc_job_identified (GstLibp2pConnection * conn)
{
  GstStructure *info = NULL;
  GError *error = NULL;

  g_mutex_lock (&conn->lock);
  if (conn->identify_reported || conn->stopping) {
    g_mutex_unlock (&conn->lock);
    return;
  }
  conn->identify_reported = TRUE;
  if (conn->remote_identify)
    info = gst_structure_copy (conn->remote_identify);
  if (conn->identify_error)
    error = g_error_copy (conn->identify_error);
  g_mutex_unlock (&conn->lock);
  if (conn->owner->identified)
    conn->owner->identified (conn->owner_data, info, error);
  else if (info)
    gst_structure_free (info);
  g_clear_error (&error);
}

GstStructure *
gst_libp2p_connection_get_remote_identify (GstLibp2pConnection * conn)
{
  GstStructure *s = NULL;

  g_mutex_lock (&conn->lock);
  if (conn->remote_identify)
    s = gst_structure_copy (conn->remote_identify);
  g_mutex_unlock (&conn->lock);
  return s;
}
