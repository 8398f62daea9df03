/* gst-libp2p: libp2pwebrtcbin's properties and signals
 *
 * Installation (what gst-inspect-1.0 shows), set/get, and the parsing of
 * the settings that need it (protocols, peer-address, private-key, sink
 * pad names).  Settings are read by the connection only as the copy it
 * takes when it starts (gstlibp2pwebrtcbin.c make_settings_locked()).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlibp2pwebrtcbin-priv.h"
#include "gstlibp2ppad.h"

#include "mss.h"
#include "multibase.h"

#include <string.h>

GST_DEBUG_CATEGORY_EXTERN (gst_libp2p_webrtc_bin_debug);
#define GST_CAT_DEFAULT gst_libp2p_webrtc_bin_debug

static void
set_webrtcbin_property (GstLibp2pWebrtcBin * self, GstElement * w)
{
  if (GST_STATE (self) != GST_STATE_NULL) {
    g_warning ("libp2pwebrtcbin: the webrtcbin can only be set in NULL");
    return;
  }
  if (w && GST_OBJECT_PARENT (w) != NULL) {
    g_warning ("libp2pwebrtcbin: the webrtcbin must not have a parent");
    return;
  }
  bin_set_webrtcbin (self, w ? w : gst_element_factory_make ("webrtcbin",
          "webrtcbin"));
}

static GstStructure *
get_stats (GstLibp2pWebrtcBin * self)
{
  g_autoptr (GstLibp2pConnection) conn = bin_get_connection (self);
  GstStructure *s = NULL;

  if (conn)
    return gst_libp2p_connection_get_stats (conn);
  g_mutex_lock (&self->lock);
  if (self->last_stats)
    s = gst_structure_copy (self->last_stats);
  g_mutex_unlock (&self->lock);
  return s ? s : gst_libp2p_connection_get_stats (NULL);
}

/* "/a/1, /b/2" -> { "/a/1", "/b/2" }; NULL or "" -> NULL. */
static gchar **
split_protocols (const gchar * s)
{
  g_auto (GStrv) parts = NULL;
  GPtrArray *out;
  guint i;

  if (s == NULL || *s == 0)
    return NULL;
  parts = g_strsplit (s, ",", -1);
  out = g_ptr_array_new ();
  for (i = 0; parts[i]; i++) {
    g_strstrip (parts[i]);
    if (*parts[i])
      g_ptr_array_add (out, g_strdup (parts[i]));
  }
  g_ptr_array_add (out, NULL);
  return (gchar **) g_ptr_array_free (out, FALSE);
}

/* Validates a protocols list: each id valid, keys distinct. */
static gchar *
check_protocols (gchar ** protos)
{
  g_autoptr (GHashTable) keys = g_hash_table_new_full (g_str_hash,
      g_str_equal, g_free, NULL);
  guint i;

  for (i = 0; protos && protos[i]; i++) {
    g_autoptr (GError) err = NULL;
    gchar *key;

    if (!lp2p_mss_protocol_validate (protos[i], -1, &err))
      return g_strdup_printf ("protocols: %s", err->message);
    key = gst_libp2p_protocol_key (protos[i]);
    if (g_hash_table_contains (keys, key)) {
      gchar *msg = g_strdup_printf ("protocols: '%s' has the pad key '%s' "
          "of an earlier protocol: pad names would collide", protos[i], key);
      g_free (key);
      return msg;
    }
    g_hash_table_add (keys, key);
  }
  return NULL;
}
static void
set_protocols (GstLibp2pWebrtcBin * self, const gchar * text)
{
  g_auto (GStrv) p = split_protocols (text);
  g_autofree gchar *err = check_protocols (p);

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->config_error, g_free);
  if (err) {
    GST_ERROR_OBJECT (self, "%s", err);
    self->config_error = g_steal_pointer (&err);
  } else {
    g_strfreev (self->protocols);
    self->protocols = g_steal_pointer (&p);
  }
  g_mutex_unlock (&self->lock);
}

/* ---- GObject ---- */

/* peer-address: parsed at once; a malformed one is reported now (a
 * warning naming the bad part) and again as an ERROR when the element
 * starts. */
static void
set_peer_address (GstLibp2pWebrtcBin * self, const gchar * text)
{
  Lp2pWebrtcDirectAddr addr;
  g_autoptr (GError) err = NULL;

  g_mutex_lock (&self->lock);
  if (self->connection) {
    g_mutex_unlock (&self->lock);
    g_warning ("libp2pwebrtcbin: peer-address can only be set in the NULL or "
        "READY state");
    return;
  }
  g_clear_pointer (&self->address_error, g_free);
  g_free (self->peer_address);
  self->peer_address = g_strdup (text);
  self->direct = FALSE;
  if (text && *text) {
    if (lp2p_webrtc_direct_addr_parse (text, &addr, &err)) {
      self->addr = addr;
      self->direct = TRUE;
    } else {
      self->address_error = g_strdup_printf ("invalid peer-address '%s': %s",
          text, err->message);
    }
  }
  g_mutex_unlock (&self->lock);
  if (err)
    g_warning ("libp2pwebrtcbin: invalid peer-address '%s': %s", text,
        err->message);
}

/* private-key: base64 of the libp2p PrivateKey protobuf (the form of
 * go-ipfs' "PrivKey" and js-libp2p's privateKeyToProtobuf), Ed25519. */
static void
set_private_key (GstLibp2pWebrtcBin * self, const gchar * text)
{
  guint8 pb[LP2P_MULTIBASE_MAX_INPUT];
  gsize n = 0, len = text ? strlen (text) : 0;
  g_autoptr (GError) err = NULL;
  Lp2pIdentity *id = NULL;

  while (len && text[len - 1] == '=')
    len--;
  if (len && lp2p_base64_decode (text, len, FALSE, pb, sizeof (pb), &n, &err))
    id = lp2p_identity_new_from_private_key (pb, n, &err);
  memset (pb, 0, sizeof (pb));
  g_mutex_lock (&self->lock);
  if (self->connection) {
    g_mutex_unlock (&self->lock);
    lp2p_identity_free (id);
    g_warning ("libp2pwebrtcbin: private-key can only be set in the NULL or "
        "READY state");
    return;
  }
  g_clear_pointer (&self->key_error, g_free);
  lp2p_identity_free (self->identity);
  self->identity = id;
  if (len && id == NULL)
    self->key_error = g_strdup_printf ("invalid private-key: %s",
        err ? err->message : "not base64");
  g_mutex_unlock (&self->lock);
  if (len && id == NULL)
    g_warning ("libp2pwebrtcbin: invalid private-key: %s",
        err ? err->message : "not base64");
  g_object_notify (G_OBJECT (self), "peer-id");
}
/* Settings that only apply to the next connection: a warning when the
 * element runs (the running connection keeps its copy). */
static void
warn_if_running_locked (GstLibp2pWebrtcBin * self, GParamSpec * pspec)
{
  if (self->connection)
    GST_WARNING_OBJECT (self, "%s applies from the next start: the "
        "connection keeps the settings it started with", pspec->name);
}

/* The properties that are one field of the struct (under self->lock). */
typedef struct
{
  guint prop;
  gsize offset;
  GType type;                   /* G_TYPE_ENUM: a gint of any enum type */
} Field;

#define FIELD(p, f, t) { p, G_STRUCT_OFFSET (GstLibp2pWebrtcBin, f), t }
static const Field fields[] = {
  FIELD (PROP_NEGOTIATION_TIMEOUT, negotiation_timeout, G_TYPE_UINT64),
  FIELD (PROP_FIN_ACK_TIMEOUT, fin_ack_timeout, G_TYPE_UINT64),
  FIELD (PROP_CONNECT_TIMEOUT, connect_timeout, G_TYPE_UINT64),
  FIELD (PROP_SEND_HIGH_WATER, send_high_water, G_TYPE_UINT64),
  FIELD (PROP_PING_INTERVAL, ping_interval, G_TYPE_UINT64),
  FIELD (PROP_PING_TIMEOUT, ping_timeout, G_TYPE_UINT64),
  FIELD (PROP_MAX_FRAME_SIZE, max_frame_size, G_TYPE_UINT),
  FIELD (PROP_RECEIVE_QUEUE_SIZE, receive_queue_size, G_TYPE_UINT),
  FIELD (PROP_RECEIVE_HOLD_TIMEOUT, receive_hold_timeout, G_TYPE_UINT64),
  FIELD (PROP_LAZY, lazy, G_TYPE_BOOLEAN),
  FIELD (PROP_PING_RESPONDER, ping_responder, G_TYPE_BOOLEAN),
  FIELD (PROP_IDENTIFY, identify, G_TYPE_BOOLEAN),
  FIELD (PROP_FREE_CLOSED_CHANNELS, free_closed_channels, G_TYPE_BOOLEAN),
  FIELD (PROP_ERROR_ON_DISCONNECT, error_on_disconnect, G_TYPE_BOOLEAN),
  FIELD (PROP_KEEPALIVE, keepalive, G_TYPE_ENUM),
};

static const Field *
field_of (guint prop_id)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (fields); i++)
    if (fields[i].prop == prop_id)
      return &fields[i];
  return NULL;
}

static void
field_set (GstLibp2pWebrtcBin * self, const Field * f, const GValue * value)
{
  gpointer p = G_STRUCT_MEMBER_P (self, f->offset);

  switch (f->type) {
    case G_TYPE_UINT64:
      *(guint64 *) p = g_value_get_uint64 (value);
      break;
    case G_TYPE_UINT:
      *(guint *) p = g_value_get_uint (value);
      break;
    case G_TYPE_BOOLEAN:
      *(gboolean *) p = g_value_get_boolean (value);
      break;
    default:
      *(gint *) p = g_value_get_enum (value);
      break;
  }
}

static void
field_get (GstLibp2pWebrtcBin * self, const Field * f, GValue * value)
{
  gconstpointer p = G_STRUCT_MEMBER_P (self, f->offset);

  switch (f->type) {
    case G_TYPE_UINT64:
      g_value_set_uint64 (value, *(const guint64 *) p);
      break;
    case G_TYPE_UINT:
      g_value_set_uint (value, *(const guint *) p);
      break;
    case G_TYPE_BOOLEAN:
      g_value_set_boolean (value, *(const gboolean *) p);
      break;
    default:
      g_value_set_enum (value, *(const gint *) p);
      break;
  }
}

void
bin_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstLibp2pWebrtcBin *self = GST_LIBP2P_WEBRTC_BIN (object);
  const Field *f = field_of (prop_id);

  switch (prop_id) {
    case PROP_WEBRTCBIN:
      set_webrtcbin_property (self, g_value_get_object (value));
      return;
    case PROP_PROTOCOLS:
      set_protocols (self, g_value_get_string (value));
      return;
    case PROP_PEER_ADDRESS:
      set_peer_address (self, g_value_get_string (value));
      return;
    case PROP_PRIVATE_KEY:
      set_private_key (self, g_value_get_string (value));
      return;
    default:
      break;
  }
  g_mutex_lock (&self->lock);
  if (f) {
    field_set (self, f, value);
  } else if (prop_id == PROP_AGENT_VERSION) {
    g_free (self->agent_version);
    self->agent_version = g_value_dup_string (value);
    if (self->agent_version == NULL)
      self->agent_version = g_strdup (DEFAULT_AGENT_VERSION);
  } else if (prop_id == PROP_DIAL_ON_REQUEST) {
    self->dial_on_request = g_value_get_boolean (value);
    self->dial_on_request_set = TRUE;
  } else {
    g_mutex_unlock (&self->lock);
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    return;
  }
  if (prop_id != PROP_DIAL_ON_REQUEST)
    warn_if_running_locked (self, pspec);
  g_mutex_unlock (&self->lock);
}

void
bin_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstLibp2pWebrtcBin *self = GST_LIBP2P_WEBRTC_BIN (object);
  const Field *f = field_of (prop_id);

  if (prop_id == PROP_STATS) {
    g_value_take_boxed (value, get_stats (self));
    return;
  }
  g_mutex_lock (&self->lock);
  if (f) {
    field_get (self, f, value);
    g_mutex_unlock (&self->lock);
    return;
  }
  switch (prop_id) {
    case PROP_WEBRTCBIN:
      g_value_set_object (value, self->webrtcbin);
      break;
    case PROP_PROTOCOLS:
      g_value_take_string (value, self->protocols ?
          g_strjoinv (",", self->protocols) : NULL);
      break;
    case PROP_DIAL_ON_REQUEST:
      g_value_set_boolean (value, bin_dial_on_request_locked (self));
      break;
    case PROP_PEER_ADDRESS:
      g_value_set_string (value, self->peer_address);
      break;
    case PROP_PEER_ID:
      if (bin_ensure_identity_locked (self))
        g_value_take_string (value, lp2p_peer_id_to_string
            (lp2p_identity_get_peer_id (self->identity)));
      break;
    case PROP_REMOTE_PEER_ID:
      g_value_set_string (value, self->remote_peer_id);
      break;
    case PROP_AGENT_VERSION:
      g_value_set_string (value, self->agent_version);
      break;
    case PROP_REMOTE_IDENTIFY:
      g_value_set_boxed (value, self->remote_identify);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  g_mutex_unlock (&self->lock);
}

/* A request pad's @name parses and is not taken (a warning says why
 * not). */
gboolean
bin_request_name_ok (GstElement * element, const gchar * name, gchar ** key,
    gint * n)
{
  GstPad *pad;

  if (!bin_parse_sink_name (name, key, n)) {
    GST_WARNING_OBJECT (element, "request pads are named sink_<key>_<n>, "
        "e.g. sink_echo-1-0-0_0; '%s' is not", name ? name : "(null)");
    return FALSE;
  }
  if ((pad = gst_element_get_static_pad (element, name)) != NULL) {
    gst_object_unref (pad);
    GST_WARNING_OBJECT (element, "%s is already requested", name);
    g_clear_pointer (key, g_free);
    return FALSE;
  }
  return TRUE;
}

/* Parses "sink_<key>_<n>". */
gboolean
bin_parse_sink_name (const gchar * name, gchar ** key, gint * n)
{
  const gchar *us;
  gchar *end;
  guint64 v;

  if (name == NULL || !g_str_has_prefix (name, "sink_"))
    return FALSE;
  us = strrchr (name, '_');
  if (us == NULL || us < name + 5 || us[1] == 0)
    return FALSE;
  v = g_ascii_strtoull (us + 1, &end, 10);
  /* a long-lived connection numbers its substreams past 32767 */
  if (*end != 0 || v > G_MAXINT)
    return FALSE;
  *key = g_strndup (name + 5, us - (name + 5));
  if (!gst_libp2p_key_is_valid (*key)) {
    g_clear_pointer (key, g_free);
    return FALSE;
  }
  *n = (gint) v;
  return TRUE;
}


void
bin_install_properties (GObjectClass * gobject_class)
{
  g_object_class_install_property (gobject_class, PROP_WEBRTCBIN,
      g_param_spec_object ("webrtcbin", "webrtcbin",
          "The webrtcbin carrying the connection: do the signalling "
          "(offer/answer, ICE candidates) on it.  An internal one by default; "
          "set an unparented webrtcbin of your own in the NULL state",
          GST_TYPE_ELEMENT, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_PROTOCOLS,
      g_param_spec_string ("protocols", "Protocols",
          "Comma-separated protocol ids this element accepts when the remote "
          "opens a substream, and may dial from a requested sink pad (e.g. "
          "\"/echo/1.0.0,/ipfs/ping/1.0.0\").  Each starts with '/', at most "
          "140 bytes; their pad keys must differ", NULL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_NEGOTIATION_TIMEOUT,
      g_param_spec_uint64 ("negotiation-timeout", "Negotiation timeout",
          "Nanoseconds a substream may take from its opening to an agreed "
          "protocol; then it fails with a timeout", GST_MSECOND,
          G_MAXUINT64, DEFAULT_NEGOTIATION_TIMEOUT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_FIN_ACK_TIMEOUT,
      g_param_spec_uint64 ("fin-ack-timeout", "FIN_ACK timeout",
          "Nanoseconds to wait for the remote's FIN_ACK after our FIN; then "
          "the substream is reset", GST_MSECOND, G_MAXUINT64,
          DEFAULT_FIN_ACK_TIMEOUT, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_MAX_FRAME_SIZE,
      g_param_spec_uint ("max-frame-size", "Max frame size",
          "Largest frame sent, in bytes on the wire (the spec's limit is "
          "16384)", MIN_MAX_FRAME_SIZE, LP2P_FRAME_SPEC_MAX_SIZE,
          DEFAULT_MAX_FRAME_SIZE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_LAZY,
      g_param_spec_boolean ("lazy", "Lazy dialing",
          "With a single proposal, send data right after the proposal "
          "without waiting for the confirmation (the data is lost if the "
          "remote refuses)", DEFAULT_LAZY,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_DIAL_ON_REQUEST,
      g_param_spec_boolean ("dial-on-request", "Dial on request",
          "Requesting sink_<key>_<n> for a substream that does not exist "
          "opens it, with the protocol of 'protocols' whose key is <key>; "
          "otherwise the pad waits for the remote to open it.  Default: "
          "FALSE, but TRUE when peer-address is set (the element dials that "
          "node) unless set to FALSE explicitly",
          DEFAULT_DIAL_ON_REQUEST, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_SEND_HIGH_WATER,
      g_param_spec_uint64 ("send-high-water", "Send high water",
          "A sink pad waits while its data channel buffers more than this "
          "many bytes, until it drains to half", 16384, G_MAXUINT64,
          DEFAULT_SEND_HIGH_WATER, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_RECEIVE_QUEUE_SIZE,
      g_param_spec_uint ("receive-queue-size", "Receive queue size",
          "Bytes received and not yet pushed out of one src pad.  Past half "
          "of it the connection holds its receive path (the remote's data "
          "waits unacknowledged before SCTP: nothing is lost, every "
          "substream of the connection waits) until a quarter is left; "
          "past all of it the substream is reset", 65536, G_MAXUINT,
          DEFAULT_RECEIVE_QUEUE_SIZE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_RECEIVE_HOLD_TIMEOUT,
      g_param_spec_uint64 ("receive-hold-timeout", "Receive hold timeout",
          "How long (ns) a src pad whose downstream takes nothing may hold "
          "the connection's receive path; then its substream is reset "
          "(OVERFLOW) and the others go on.  0: never hold, a full receive "
          "queue resets its substream at once", 0, G_MAXUINT64,
          DEFAULT_RECEIVE_HOLD_TIMEOUT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_PEER_ADDRESS,
      g_param_spec_string ("peer-address", "Peer address",
          "WebRTC-direct: the multiaddr of a libp2p node to dial, "
          "/ip4|ip6/<address>/udp/<port>/webrtc-direct/certhash/<hash>"
          "[/p2p/<peer id>].  The element then needs no signalling: it makes "
          "the SDP from the address, authenticates the node with Noise on "
          "channel 0 (its certificate must match the certhash, its identity "
          "the /p2p/ peer id) and opens substreams once that is done.  "
          "/dns/, /dns4/ and /dns6/ names are resolved first", NULL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_PRIVATE_KEY,
      g_param_spec_string ("private-key", "Private key",
          "Our libp2p identity for WebRTC-direct: base64 of an Ed25519 "
          "PrivateKey protobuf (as in an IPFS config's PrivKey; "
          "docs/webrtc-direct.md shows how to make one with openssl).  A new "
          "random identity when unset.  Write-only: it is a secret", NULL,
          G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_PEER_ID,
      g_param_spec_string ("peer-id", "Peer id",
          "Our libp2p peer id (from private-key), base58btc", NULL,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_REMOTE_PEER_ID,
      g_param_spec_string ("remote-peer-id", "Remote peer id",
          "The peer id the WebRTC-direct node proved with Noise; NULL until "
          "the connection is authenticated (the libp2p-connected element "
          "message says when)", NULL,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_CONNECT_TIMEOUT,
      g_param_spec_uint64 ("connect-timeout", "Connect timeout",
          "Nanoseconds a WebRTC-direct dial may take (ICE, DTLS, SCTP and "
          "the Noise handshake); then the element posts an ERROR",
          GST_MSECOND, G_MAXUINT64, DEFAULT_CONNECT_TIMEOUT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_PING_RESPONDER,
      g_param_spec_boolean ("ping-responder", "Ping responder",
          "Answer the remote's /ipfs/ping/1.0.0 substreams inside the "
          "element (echo each payload, no pads) when 'protocols' does not "
          "list /ipfs/ping/1.0.0.  libp2p nodes ping their peers (js-libp2p "
          "every 10 s, and it drops a connection whose ping goes "
          "unanswered)", DEFAULT_PING_RESPONDER,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_IDENTIFY,
      g_param_spec_boolean ("identify", "Identify",
          "Answer the remote's /ipfs/id/1.0.0 substreams inside the element "
          "when 'protocols' does not list it (our agent-version, public key, "
          "the protocols we accept, and the address we dialed as the "
          "remote's observed address), and once a WebRTC-direct connection "
          "is authenticated ask the remote's identify: what it says is the "
          "libp2p-identify element message and remote-identify.  js-libp2p "
          "and smoldot identify every peer they connect to",
          DEFAULT_IDENTIFY, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_FREE_CLOSED_CHANNELS,
      g_param_spec_boolean ("free-closed-channels", "Free closed channels",
          "webrtcbin 1.22 to 1.25.0 keep every closed data channel's "
          "elements (an appsrc thread, an appsink, two bins) until they "
          "stop: a connection that opens a substream per request would gain "
          "two threads per substream.  TRUE takes them out when the channel "
          "is CLOSED, as webrtcbin 1.25.1 does itself: threads and memory "
          "stay flat (100,000 sequential substreams: docs/benchmarks.md).  "
          "FALSE keeps them until the element stops (the old rule: 511 "
          "channels per side then bound a connection's lifetime).  "
          "No effect on other GStreamer versions",
          DEFAULT_FREE_CLOSED_CHANNELS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_KEEPALIVE,
      g_param_spec_enum ("keepalive", "Keepalive",
          "Ping the remote on /ipfs/ping/1.0.0 every ping-interval (one "
          "substream, served inside: no pads); a ping unanswered for "
          "ping-timeout ends the connection (libp2p-connection-closed), so a "
          "silent, killed or cut-off remote is noticed within ping-interval "
          "+ ping-timeout.  A remote that refuses ping is alive: pinging "
          "stops.  auto: on for WebRTC-direct connections (peer-address), "
          "off for connections the application signals",
          GST_TYPE_LIBP2P_KEEPALIVE, DEFAULT_KEEPALIVE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_PING_INTERVAL,
      g_param_spec_uint64 ("ping-interval", "Ping interval",
          "Nanoseconds from a keepalive ping's answer to the next ping",
          GST_MSECOND, G_MAXUINT64, DEFAULT_PING_INTERVAL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_PING_TIMEOUT,
      g_param_spec_uint64 ("ping-timeout", "Ping timeout",
          "Nanoseconds a keepalive ping (the first: its substream's "
          "negotiation too) may wait for its answer before the connection "
          "is declared lost", GST_MSECOND, G_MAXUINT64, DEFAULT_PING_TIMEOUT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_ERROR_ON_DISCONNECT,
      g_param_spec_boolean ("error-on-disconnect", "Error on disconnect",
          "A WebRTC-direct connection (peer-address) that ends after it was "
          "up, other than by stopping the element (the remote closed, "
          "vanished, or failed the keepalive): TRUE posts an ERROR naming "
          "the peer and the cause, so a gst-launch line ends non-zero; FALSE "
          "only the libp2p-connection-closed message and the "
          "connection-closed signal, for applications that keep going.  "
          "Connections the application signals never post one (their "
          "PeerConnection is the application's)", DEFAULT_ERROR_ON_DISCONNECT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_AGENT_VERSION,
      g_param_spec_string ("agent-version", "Agent version",
          "What our identify says we are (agentVersion, \"name/version\")",
          DEFAULT_AGENT_VERSION, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_REMOTE_IDENTIFY,
      g_param_spec_boxed ("remote-identify", "Remote identify",
          "What the remote's identify said, once it answered (NULL before): "
          "libp2p-identify with peer-id, protocol-version, agent-version "
          "(strings), protocols, listen-addrs (arrays of strings) and "
          "observed-addr (string: our address as the remote sees it); "
          "fields the remote left out are absent", GST_TYPE_STRUCTURE,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics",
          "application/x-libp2p-stats: substreams-opened, substreams-failed "
          "(guint64), substreams-active (guint): the application's "
          "substreams, not those the element serves itself; bytes-in, "
          "bytes-out (guint64, payload bytes), frames-reassembled (guint64: "
          "frames that arrived split across data-channel messages, as "
          "js-libp2p and go-libp2p send them), pings-answered (guint64: "
          "ping payloads the ping responder echoed), pings-sent, "
          "pongs-received (guint64: the keepalive's), ping-rtt (guint64: "
          "nanoseconds, the keepalive's last round trip; 0 before one)",
          GST_TYPE_STRUCTURE,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

GType
gst_libp2p_keepalive_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_LIBP2P_KEEPALIVE_AUTO, "On for WebRTC-direct connections, off for "
          "those the application signals", "auto"},
    {GST_LIBP2P_KEEPALIVE_ON, "Always", "on"},
    {GST_LIBP2P_KEEPALIVE_OFF, "Never", "off"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstLibp2pKeepalive", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

void
bin_install_signals (GObjectClass * klass, GCallback open_substream)
{
  guint *signals = gst_libp2p_webrtc_bin_signals;

  /**
   * GstLibp2pWebrtcBin::open-substream:
   * @protocol: the protocol id to propose
   * @fallbacks: (nullable): protocols to propose, in order, if refused
   *
   * Opens an outbound substream.  Returns its id; the outcome comes as
   * substream-opened or substream-failed with that id (at once if the
   * connection is not established).
   */
  signals[SIGNAL_OPEN_SUBSTREAM] = g_signal_new_class_handler
      ("open-substream", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      open_substream, NULL, NULL, NULL,
      G_TYPE_UINT, 2, G_TYPE_STRING, G_TYPE_STRV);

  /**
   * GstLibp2pWebrtcBin::accept-protocol:
   * @protocol: a protocol the remote proposes that 'protocols' lacks
   *
   * Return TRUE to accept it.  Emitted from webrtcbin's thread: decide
   * quickly.
   */
  signals[SIGNAL_ACCEPT_PROTOCOL] = g_signal_new ("accept-protocol",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
      g_signal_accumulator_true_handled, NULL, NULL, G_TYPE_BOOLEAN, 1,
      G_TYPE_STRING);

  /**
   * GstLibp2pWebrtcBin::substream-opened:
   * @id: the substream id
   * @protocol: the negotiated protocol
   * @src_pad: its src pad, already added
   */
  signals[SIGNAL_SUBSTREAM_OPENED] = g_signal_new ("substream-opened",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_STRING, GST_TYPE_PAD);

  /**
   * GstLibp2pWebrtcBin::substream-failed:
   * @id: the substream id
   * @protocol: (nullable): the (main) protocol proposed, or NULL for an
   *   inbound substream
   * @error: why, in the GST_LIBP2P_ERROR domain
   */
  signals[SIGNAL_SUBSTREAM_FAILED] = g_signal_new ("substream-failed",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_STRING, G_TYPE_ERROR);

  /**
   * GstLibp2pWebrtcBin::substream-closed:
   * @id: the substream id
   * @protocol: its protocol
   * @error: (nullable): NULL after a clean close (FIN both ways), else why
   */
  signals[SIGNAL_SUBSTREAM_CLOSED] = g_signal_new ("substream-closed",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_STRING, G_TYPE_ERROR);

  /**
   * GstLibp2pWebrtcBin::connection-closed:
   * @peer_id: (nullable): the remote's peer id, when a handshake proved it
   * @error: why, in the GST_LIBP2P_ERROR domain: NOT_CONNECTED (the
   *   remote closed, failed or was lost: the message says which) or
   *   STOPPED (the element stopped)
   *
   * A connection that was up ended; every substream it carried was ended
   * (substream-closed or -failed) before.  Once per connection, also as
   * the libp2p-connection-closed element message.  Emitted from the
   * thread that saw the end (webrtcbin's, the clock's, or the one that
   * stops the element).
   */
  signals[SIGNAL_CONNECTION_CLOSED] = g_signal_new ("connection-closed",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_ERROR);
}
