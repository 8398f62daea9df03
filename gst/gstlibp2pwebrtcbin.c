/* gst-libp2p: libp2pwebrtcbin
 *
 * SECTION:element-libp2pwebrtcbin
 * @title: libp2pwebrtcbin
 *
 * One libp2p connection carried by a webrtcbin.  Every WebRTC data channel
 * but the reserved channel 0 is a libp2p substream: each message on it is a
 * libp2p WebRTC frame, and each new channel first negotiates its protocol
 * with multistream-select 1.0 (the side that created the channel dials, the
 * other listens).  A negotiated substream appears as a pair of pads named
 * after its protocol's key (the protocol without its leading '/', every
 * character outside [A-Za-z0-9-] replaced by '-'):
 *
 *  - src_<key>_<n> (sometimes): the bytes the remote sends, one buffer per
 *    frame payload, in order; EOS when the remote finishes (FIN);
 *  - sink_<key>_<n> (request): bytes to send, cut into frames of at most
 *    max-frame-size bytes; EOS sends FIN.
 *
 * n counts the substreams of a key from 0.  Requesting sink_<key>_<n>
 * binds the write side of that substream; with dial-on-request it also
 * opens (dials) the substream when it does not exist yet, which is how a
 * gst-launch line opens one.  Applications open substreams with the
 * open-substream action signal and learn about them through the
 * substream-opened, substream-failed and substream-closed signals and the
 * matching element messages on the bus.
 *
 * The connection is set up one of two ways:
 *  - application signalling: the application does offer/answer and ICE
 *    candidates on the webrtcbin (the webrtcbin property).  The element adds
 *    the negotiated data channel 0 itself, so the offer carries the SCTP
 *    section; the remote must add it too.
 *  - WebRTC-direct (peer-address): the element dials a libp2p node from its
 *    multiaddr alone.  It munges its offer, makes the node's answer from the
 *    multiaddr, checks the node's DTLS certificate against the certhash and
 *    runs Noise XX on channel 0 (the node proves its peer id, which must
 *    equal /p2p/ when given; we prove ours, from private-key).  Substreams
 *    open once that is done: the libp2p-connected element message says so.
 *
 * ## Example (gst-launch-1.0, WebRTC-direct)
 * |[
 * gst-launch-1.0 filesrc location=in ! p.sink_echo-1-0-0_0 \
 *   libp2pwebrtcbin name=p protocols=/echo/1.0.0 dial-on-request=true \
 *     peer-address=/ip4/127.0.0.1/udp/40805/webrtc-direct/certhash/uEiB.../p2p/12D3KooW... \
 *   p.src_echo-1-0-0_0 ! filesink location=out
 * ]|
 *
 * ## Example (GLib)
 * |[
 * GstElement *p = gst_element_factory_make ("libp2pwebrtcbin", NULL);
 * g_object_set (p, "protocols", "/echo/1.0.0,/ipfs/ping/1.0.0", NULL);
 * // ... signalling on the "webrtcbin" property's element ...
 * guint id;
 * g_signal_emit_by_name (p, "open-substream", "/echo/1.0.0", NULL, &id);
 * // then request "sink_echo-1-0-0_0" and link "src_echo-1-0-0_0"
 * ]|
 * * The element is a thin shell over one GstLibp2pConnection
 * (gstlibp2pconnection.h), made when it goes to PAUSED and stopped when it
 * leaves PAUSED: properties, signals, pad templates, request/release and
 * state changes live here; the connection owns the substreams, their
 * threads and locks, and reports to the element, which turns the reports
 * into signals and bus messages and decides that a failed WebRTC-direct
 * dial is a pipeline ERROR (docs/design.md, "Rooms").  self->lock guards
 * the settings and the connection pointer; it is never held while calling
 * into the connection.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlibp2pwebrtcbin.h"
#include "gstlibp2pconnection.h"
#include "gstlibp2ppad.h"

#include "identity.h"
#include "mss.h"
#include "multiaddr.h"
#include "multibase.h"

#include <string.h>

GST_DEBUG_CATEGORY_STATIC (gst_libp2p_webrtc_bin_debug);
#define GST_CAT_DEFAULT gst_libp2p_webrtc_bin_debug

G_DEFINE_QUARK (gst-libp2p-error-quark, gst_libp2p_error);

/* ---- defaults ---- */

/* ../shared/spec/mss-webrtc-reference.md (c): js-libp2p and rust-libp2p
 * give a negotiation 10 s (litep2p 5 s). */
#define DEFAULT_NEGOTIATION_TIMEOUT (10 * GST_SECOND)
/* litep2p FIN_ACK_TIMEOUT and js-libp2p DEFAULT_FIN_ACK_TIMEOUT. */
#define DEFAULT_FIN_ACK_TIMEOUT (10 * GST_SECOND)
/* libp2p/specs webrtc/README.md: a frame is at most 16 KiB on the wire. */
#define DEFAULT_MAX_FRAME_SIZE LP2P_FRAME_SPEC_MAX_SIZE
#define MIN_MAX_FRAME_SIZE 64
#define DEFAULT_LAZY TRUE
#define DEFAULT_DIAL_ON_REQUEST FALSE
#define DEFAULT_PING_RESPONDER TRUE
/* Sending waits while the channel holds more than this. */
#define DEFAULT_SEND_HIGH_WATER (1024 * 1024)
/* Bytes queued for one src pad before the substream is reset: litep2p
 * resets after 256 queued frames (MAX_INFLIGHT_MESSAGES, 256 x 16 KiB). */
#define DEFAULT_RECEIVE_QUEUE_SIZE (4 * 1024 * 1024)
/* WebRTC-direct: ICE + DTLS + SCTP + Noise.  libnice gives up on ICE after
 * ~30 s; js-libp2p's dial timeout is 10 s. */
#define DEFAULT_CONNECT_TIMEOUT (20 * GST_SECOND)

enum
{
  PROP_0,
  PROP_WEBRTCBIN,
  PROP_PROTOCOLS,
  PROP_NEGOTIATION_TIMEOUT,
  PROP_FIN_ACK_TIMEOUT,
  PROP_MAX_FRAME_SIZE,
  PROP_LAZY,
  PROP_DIAL_ON_REQUEST,
  PROP_SEND_HIGH_WATER,
  PROP_RECEIVE_QUEUE_SIZE,
  PROP_STATS,
  PROP_PEER_ADDRESS,
  PROP_PRIVATE_KEY,
  PROP_PEER_ID,
  PROP_REMOTE_PEER_ID,
  PROP_CONNECT_TIMEOUT,
  PROP_PING_RESPONDER,
};

enum
{
  SIGNAL_OPEN_SUBSTREAM,
  SIGNAL_ACCEPT_PROTOCOL,
  SIGNAL_SUBSTREAM_OPENED,
  SIGNAL_SUBSTREAM_FAILED,
  SIGNAL_SUBSTREAM_CLOSED,
  LAST_SIGNAL,
};

static guint signals[LAST_SIGNAL];

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink_%s",
    GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS_ANY);

struct _GstLibp2pWebrtcBin
{
  GstBin parent;

  GMutex lock;                  /* the fields below */
  GstElement *webrtcbin;
  GstLibp2pConnection *connection;      /* PAUSED and PLAYING */
  GstStructure *last_stats;     /* of the connection last stopped */
  guint last_substream_id;      /* ids go on across connections */

  /* properties */
  gchar **protocols;
  gchar *config_error;
  GstClockTime negotiation_timeout;
  GstClockTime fin_ack_timeout;
  GstClockTime connect_timeout;
  guint max_frame_size;
  gboolean lazy;
  gboolean dial_on_request;
  gboolean dial_on_request_set; /* set explicitly: no default by mode */
  gboolean ping_responder;
  guint64 send_high_water;
  guint receive_queue_size;
  guint32 stream_id_base;       /* random: stream ids unique across elements */

  /* WebRTC-direct dialer (peer-address) */
  gchar *peer_address;          /* as set */
  gchar *address_error;         /* why peer-address is unusable */
  gchar *key_error;             /* why private-key is unusable */
  gboolean direct;              /* dial peer_address at start */
  Lp2pWebrtcDirectAddr addr;
  Lp2pIdentity *identity;       /* private-key, or generated on demand */
  gchar *remote_peer_id;
};

#define gst_libp2p_webrtc_bin_parent_class parent_class
G_DEFINE_TYPE (GstLibp2pWebrtcBin, gst_libp2p_webrtc_bin, GST_TYPE_BIN);
GST_ELEMENT_REGISTER_DEFINE (libp2pwebrtcbin, "libp2pwebrtcbin",
    GST_RANK_NONE, GST_TYPE_LIBP2P_WEBRTC_BIN);

static GstLibp2pConnection *
get_connection (GstLibp2pWebrtcBin * self)
{
  GstLibp2pConnection *conn = NULL;

  g_mutex_lock (&self->lock);
  if (self->connection)
    conn = gst_libp2p_connection_ref (self->connection);
  g_mutex_unlock (&self->lock);
  return conn;
}

static Lp2pIdentity *
ensure_identity_locked (GstLibp2pWebrtcBin * self)
{
  if (self->identity == NULL)
    self->identity = lp2p_identity_new (NULL);
  return self->identity;
}

/* With peer-address a requested sink pad dials unless dial-on-request was
 * set FALSE: the element is the dialing side of that connection. */
static gboolean
dial_on_request_locked (GstLibp2pWebrtcBin * self)
{
  return self->dial_on_request_set ? self->dial_on_request : self->direct;
}

/* ---- what the connection reports ---- */

static gboolean
owner_accept_protocol (gpointer owner, const gchar * protocol)
{
  gboolean accept = FALSE;

  g_signal_emit (owner, signals[SIGNAL_ACCEPT_PROTOCOL], 0, protocol, &accept);
  return accept;
}

static void
owner_add_pad (gpointer owner, GstPad * pad)
{
  gst_element_add_pad (GST_ELEMENT (owner), pad);
}

static void
owner_remove_pad (gpointer owner, GstPad * pad)
{
  gst_element_remove_pad (GST_ELEMENT (owner), pad);
}

static void
owner_substream (gpointer owner, GstLibp2pSubstreamOutcome outcome, guint id,
    const gchar * protocol, GstPad * src, const GError * error,
    GstStructure * message)
{
  GstLibp2pWebrtcBin *self = owner;

  switch (outcome) {
    case GST_LIBP2P_SUBSTREAM_OPENED:
      g_signal_emit (self, signals[SIGNAL_SUBSTREAM_OPENED], 0, id, protocol,
          src);
      break;
    case GST_LIBP2P_SUBSTREAM_FAILED:
      g_signal_emit (self, signals[SIGNAL_SUBSTREAM_FAILED], 0, id, protocol,
          error);
      break;
    case GST_LIBP2P_SUBSTREAM_CLOSED:
      g_signal_emit (self, signals[SIGNAL_SUBSTREAM_CLOSED], 0, id, protocol,
          error);
      break;
  }
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), message));
}

static void
owner_connected (gpointer owner, const gchar * remote_peer_id)
{
  GstLibp2pWebrtcBin *self = owner;
  g_autofree gchar *local = NULL;
  g_autofree gchar *address = NULL;

  if (remote_peer_id == NULL)
    return;                     /* application signalling: nothing proven */
  g_mutex_lock (&self->lock);
  g_free (self->remote_peer_id);
  self->remote_peer_id = g_strdup (remote_peer_id);
  local = lp2p_peer_id_to_string (lp2p_identity_get_peer_id
      (ensure_identity_locked (self)));
  address = g_strdup (self->peer_address);
  g_mutex_unlock (&self->lock);
  g_object_notify (G_OBJECT (self), "remote-peer-id");
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self),
          gst_structure_new ("libp2p-connected", "peer-address",
              G_TYPE_STRING, address, "remote-peer-id", G_TYPE_STRING,
              remote_peer_id, "peer-id", G_TYPE_STRING, local, NULL)));
}

/* The failure policy of a dialer: a WebRTC-direct dial that never came up
 * leaves the element nothing to do, so the pipeline gets an ERROR (a
 * gst-launch line exits with the reason).  A connection lost later, or one
 * the application signalled, ended every substream with its report. */
static void
owner_ended (gpointer owner, const GError * error, gboolean auth,
    gboolean was_connected)
{
  GstLibp2pWebrtcBin *self = owner;
  g_autofree gchar *address = NULL;
  gboolean direct;

  g_mutex_lock (&self->lock);
  direct = self->direct;
  address = g_strdup (self->peer_address);
  g_mutex_unlock (&self->lock);
  if (!direct || was_connected)
    return;
  if (auth)
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_AUTHORIZED, ("%s",
            error->message), ("WebRTC-direct dial of %s", address));
  else
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ_WRITE, ("%s",
            error->message), ("WebRTC-direct dial of %s", address));
}

static const GstLibp2pConnectionOwner owner_funcs = {
  owner_accept_protocol, owner_add_pad, owner_remove_pad, owner_substream,
  owner_connected, owner_ended
};

/* ---- action signal ---- */

static guint
gst_libp2p_webrtc_bin_open_substream (GstLibp2pWebrtcBin * self,
    const gchar * protocol, const gchar * const *fallbacks)
{
  g_autoptr (GstLibp2pConnection) conn = get_connection (self);
  g_autoptr (GPtrArray) list = g_ptr_array_new ();
  g_autoptr (GError) err = NULL;
  guint i, id;

  g_ptr_array_add (list, (gpointer) protocol);
  for (i = 0; protocol && fallbacks && fallbacks[i]; i++)
    g_ptr_array_add (list, (gpointer) fallbacks[i]);
  g_ptr_array_add (list, NULL);
  if (conn)
    return gst_libp2p_connection_open (conn,
        (const gchar * const *) list->pdata);

  /* no connection (not started): reported at once, as the connection
   * would (DESIGN.md: opening while not connected fails at once) */
  g_mutex_lock (&self->lock);
  id = ++self->last_substream_id;
  g_mutex_unlock (&self->lock);
  err = gst_libp2p_error_new (GST_LIBP2P_ERROR_NOT_CONNECTED,
      "cannot open %s: the connection is not established",
      protocol ? protocol : "(null)");
  GST_INFO_OBJECT (self, "substream %u: %s", id, err->message);
  owner_substream (self, GST_LIBP2P_SUBSTREAM_FAILED, id, protocol, NULL, err,
      gst_libp2p_substream_message_new (GST_LIBP2P_SUBSTREAM_FAILED, id,
          protocol, TRUE, -1, NULL, err, 0, 0));
  return id;
}

/* ---- request pads ---- */

/* Parses "sink_<key>_<n>". */
static gboolean
parse_sink_name (const gchar * name, gchar ** key, gint * n)
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
  if (*end != 0 || v > G_MAXINT16)
    return FALSE;
  *key = g_strndup (name + 5, us - (name + 5));
  if (!gst_libp2p_key_is_valid (*key)) {
    g_clear_pointer (key, g_free);
    return FALSE;
  }
  *n = (gint) v;
  return TRUE;
}

/* The protocol of 'protocols' whose key is @key, or NULL. */
static gchar *
protocol_of_key_locked (GstLibp2pWebrtcBin * self, const gchar * key)
{
  guint i;

  for (i = 0; self->protocols && self->protocols[i]; i++) {
    g_autofree gchar *k = gst_libp2p_protocol_key (self->protocols[i]);

    if (g_str_equal (k, key))
      return g_strdup (self->protocols[i]);
  }
  return NULL;
}

/* Hands a requested sink pad to @conn (NULL: checks it only): it binds to
 * its substream, or opens it (dial-on-request), or waits for it. */
static GstLibp2pSinkBind
give_sink_pad (GstLibp2pWebrtcBin * self, GstLibp2pConnection * conn,
    GstPad * pad)
{
  g_autofree gchar *key = NULL;
  g_autofree gchar *dial = NULL;
  gboolean dialing;
  gint n;

  if (!parse_sink_name (GST_PAD_NAME (pad), &key, &n))
    return GST_LIBP2P_SINK_BIND_DUPLICATE;
  g_mutex_lock (&self->lock);
  dialing = dial_on_request_locked (self);
  if (dialing)
    dial = protocol_of_key_locked (self, key);
  g_mutex_unlock (&self->lock);
  if (conn == NULL)
    return dialing && dial == NULL ? GST_LIBP2P_SINK_BIND_NO_PROTOCOL :
        GST_LIBP2P_SINK_BIND_OK;
  return gst_libp2p_connection_add_sink_pad (conn, GST_LIBP2P_PAD (pad), key,
      n, dialing, dial);
}

static GstPad *
gst_libp2p_webrtc_bin_request_new_pad (GstElement * element,
    GstPadTemplate * templ, const gchar * name, const GstCaps * caps)
{
  GstLibp2pWebrtcBin *self = GST_LIBP2P_WEBRTC_BIN (element);
  g_autoptr (GstLibp2pConnection) conn = get_connection (self);
  g_autofree gchar *key = NULL;
  GstLibp2pSinkBind bind;
  GstPad *pad;
  gint n;

  if (!parse_sink_name (name, &key, &n)) {
    GST_WARNING_OBJECT (self, "request pads are named sink_<key>_<n>, "
        "e.g. sink_echo-1-0-0_0; '%s' is not", name ? name : "(null)");
    return NULL;
  }
  if ((pad = gst_element_get_static_pad (element, name)) != NULL) {
    gst_object_unref (pad);
    GST_WARNING_OBJECT (self, "%s is already requested", name);
    return NULL;
  }
  pad = gst_libp2p_connection_new_sink_pad (templ, name);
  bind = give_sink_pad (self, conn, pad);
  if (bind != GST_LIBP2P_SINK_BIND_OK) {
    if (bind == GST_LIBP2P_SINK_BIND_NO_PROTOCOL)
      GST_WARNING_OBJECT (self, "no protocol in 'protocols' has the key "
          "'%s' of pad %s", key, name);
    else
      GST_WARNING_OBJECT (self, "%s is already requested", name);
    gst_object_unref (pad);
    return NULL;
  }
  if (!gst_element_add_pad (element, pad)) {
    GST_WARNING_OBJECT (self, "%s is already requested", name);
    if (conn)
      gst_libp2p_connection_remove_sink_pad (conn, GST_LIBP2P_PAD (pad));
    return NULL;
  }
  return pad;
}

static void
gst_libp2p_webrtc_bin_release_pad (GstElement * element, GstPad * pad)
{
  GstLibp2pPad *lpad = GST_LIBP2P_PAD (pad);
  GstLibp2pConnection *conn = NULL;

  GST_OBJECT_LOCK (pad);
  if (lpad->connection)
    conn = gst_libp2p_connection_ref (lpad->connection);
  GST_OBJECT_UNLOCK (pad);
  if (conn) {
    gst_libp2p_connection_remove_sink_pad (conn, lpad);
    gst_libp2p_connection_unref (conn);
  }
  gst_element_remove_pad (element, pad);
}

/* ---- settings ---- */

static void
set_webrtcbin (GstLibp2pWebrtcBin * self, GstElement * webrtc)
{
  if (self->webrtcbin) {
    gst_bin_remove (GST_BIN (self), self->webrtcbin);
    gst_object_unref (self->webrtcbin);
    self->webrtcbin = NULL;
  }
  if (webrtc == NULL)
    return;
  self->webrtcbin = gst_object_ref (webrtc);
  gst_bin_add (GST_BIN (self), webrtc);
  /* webrtcbin holds sinks that never see EOS: the pipeline must not wait
   * for EOS from this bin (its src pads end their streams themselves). */
  GST_OBJECT_FLAG_UNSET (self, GST_ELEMENT_FLAG_SINK);
}

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
  set_webrtcbin (self, w ? w : gst_element_factory_make ("webrtcbin",
          "webrtcbin"));
}

static GstStructure *
get_stats (GstLibp2pWebrtcBin * self)
{
  g_autoptr (GstLibp2pConnection) conn = get_connection (self);
  GstStructure *s = NULL;

  if (conn)
    return gst_libp2p_connection_get_stats (conn);
  g_mutex_lock (&self->lock);
  if (self->last_stats)
    s = gst_structure_copy (self->last_stats);
  g_mutex_unlock (&self->lock);
  if (s == NULL)
    s = gst_structure_new ("application/x-libp2p-stats",
        "substreams-opened", G_TYPE_UINT64, (guint64) 0,
        "substreams-failed", G_TYPE_UINT64, (guint64) 0,
        "substreams-active", G_TYPE_UINT, 0,
        "bytes-in", G_TYPE_UINT64, (guint64) 0,
        "bytes-out", G_TYPE_UINT64, (guint64) 0,
        "frames-reassembled", G_TYPE_UINT64, (guint64) 0,
        "pings-answered", G_TYPE_UINT64, (guint64) 0, NULL);
  return s;
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

static void
gst_libp2p_webrtc_bin_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstLibp2pWebrtcBin *self = GST_LIBP2P_WEBRTC_BIN (object);

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
  switch (prop_id) {
    case PROP_CONNECT_TIMEOUT:
      self->connect_timeout = g_value_get_uint64 (value);
      break;
    case PROP_PING_RESPONDER:
      self->ping_responder = g_value_get_boolean (value);
      break;
    case PROP_NEGOTIATION_TIMEOUT:
      self->negotiation_timeout = g_value_get_uint64 (value);
      break;
    case PROP_FIN_ACK_TIMEOUT:
      self->fin_ack_timeout = g_value_get_uint64 (value);
      break;
    case PROP_MAX_FRAME_SIZE:
      self->max_frame_size = g_value_get_uint (value);
      break;
    case PROP_LAZY:
      self->lazy = g_value_get_boolean (value);
      break;
    case PROP_DIAL_ON_REQUEST:
      self->dial_on_request = g_value_get_boolean (value);
      self->dial_on_request_set = TRUE;
      break;
    case PROP_SEND_HIGH_WATER:
      self->send_high_water = g_value_get_uint64 (value);
      break;
    case PROP_RECEIVE_QUEUE_SIZE:
      self->receive_queue_size = g_value_get_uint (value);
      break;
    default:
      g_mutex_unlock (&self->lock);
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
  }
  if (prop_id != PROP_DIAL_ON_REQUEST)
    warn_if_running_locked (self, pspec);
  g_mutex_unlock (&self->lock);
}

static void
gst_libp2p_webrtc_bin_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstLibp2pWebrtcBin *self = GST_LIBP2P_WEBRTC_BIN (object);

  if (prop_id == PROP_STATS) {
    g_value_take_boxed (value, get_stats (self));
    return;
  }
  g_mutex_lock (&self->lock);
  switch (prop_id) {
    case PROP_WEBRTCBIN:
      g_value_set_object (value, self->webrtcbin);
      break;
    case PROP_PROTOCOLS:
      g_value_take_string (value, self->protocols ?
          g_strjoinv (",", self->protocols) : NULL);
      break;
    case PROP_NEGOTIATION_TIMEOUT:
      g_value_set_uint64 (value, self->negotiation_timeout);
      break;
    case PROP_FIN_ACK_TIMEOUT:
      g_value_set_uint64 (value, self->fin_ack_timeout);
      break;
    case PROP_MAX_FRAME_SIZE:
      g_value_set_uint (value, self->max_frame_size);
      break;
    case PROP_LAZY:
      g_value_set_boolean (value, self->lazy);
      break;
    case PROP_DIAL_ON_REQUEST:
      g_value_set_boolean (value, dial_on_request_locked (self));
      break;
    case PROP_SEND_HIGH_WATER:
      g_value_set_uint64 (value, self->send_high_water);
      break;
    case PROP_RECEIVE_QUEUE_SIZE:
      g_value_set_uint (value, self->receive_queue_size);
      break;
    case PROP_PEER_ADDRESS:
      g_value_set_string (value, self->peer_address);
      break;
    case PROP_PEER_ID:
      if (ensure_identity_locked (self))
        g_value_take_string (value, lp2p_peer_id_to_string
            (lp2p_identity_get_peer_id (self->identity)));
      break;
    case PROP_REMOTE_PEER_ID:
      g_value_set_string (value, self->remote_peer_id);
      break;
    case PROP_CONNECT_TIMEOUT:
      g_value_set_uint64 (value, self->connect_timeout);
      break;
    case PROP_PING_RESPONDER:
      g_value_set_boolean (value, self->ping_responder);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  g_mutex_unlock (&self->lock);
}

/* ---- states ---- */

/* The connection's copy of the settings. */
static void
make_settings_locked (GstLibp2pWebrtcBin * self,
    GstLibp2pConnectionSettings * s)
{
  memset (s, 0, sizeof (*s));
  s->role = self->direct ? GST_LIBP2P_CONNECTION_DIAL :
      GST_LIBP2P_CONNECTION_SIGNALLED;
  s->protocols = self->protocols;
  s->negotiation_timeout = self->negotiation_timeout;
  s->fin_ack_timeout = self->fin_ack_timeout;
  s->connect_timeout = self->connect_timeout;
  s->max_frame_size = self->max_frame_size;
  s->lazy = self->lazy;
  s->ping_responder = self->ping_responder;
  s->send_high_water = self->send_high_water;
  s->receive_queue_size = self->receive_queue_size;
  s->stream_id_base = self->stream_id_base;
  s->last_substream_id = self->last_substream_id;
  s->peer_address = self->peer_address;
  s->addr = self->addr;
  /* private-key cannot change while a connection runs */
  s->identity = ensure_identity_locked (self);
}

/* Requested sink pads go to the new connection. */
static void
give_sink_pads (GstLibp2pWebrtcBin * self, GstLibp2pConnection * conn)
{
  GList *pads = NULL, *l;

  GST_OBJECT_LOCK (self);
  for (l = GST_ELEMENT (self)->sinkpads; l; l = l->next)
    pads = g_list_prepend (pads, gst_object_ref (l->data));
  GST_OBJECT_UNLOCK (self);
  for (l = pads; l; l = l->next) {
    if (give_sink_pad (self, conn, l->data) != GST_LIBP2P_SINK_BIND_OK)
      GST_WARNING_OBJECT (self, "%s cannot be bound", GST_PAD_NAME (l->data));
  }
  g_list_free_full (pads, gst_object_unref);
}

static gboolean
start (GstLibp2pWebrtcBin * self)
{
  GstLibp2pConnectionSettings settings;
  g_autoptr (GError) err = NULL;
  g_autofree gchar *config_error = NULL;
  GstLibp2pConnection *conn;
  GstElement *webrtc;

  g_mutex_lock (&self->lock);
  if (self->config_error || self->address_error || self->key_error) {
    config_error = g_strdup (self->config_error ? self->config_error :
        self->address_error ? self->address_error : self->key_error);
    g_mutex_unlock (&self->lock);
    GST_ELEMENT_ERROR (self, LIBRARY, SETTINGS, ("%s", config_error), (NULL));
    return FALSE;
  }
  g_clear_pointer (&self->remote_peer_id, g_free);
  make_settings_locked (self, &settings);
  webrtc = gst_object_ref (self->webrtcbin);
  g_mutex_unlock (&self->lock);

  conn = gst_libp2p_connection_new (webrtc, &settings, &owner_funcs, self,
      &err);
  gst_object_unref (webrtc);
  if (conn == NULL) {
    GST_ELEMENT_ERROR (self, LIBRARY, INIT, ("%s", err->message), (NULL));
    return FALSE;
  }
  g_mutex_lock (&self->lock);
  self->connection = conn;
  g_mutex_unlock (&self->lock);
  give_sink_pads (self, conn);
  return TRUE;
}

static void
stop (GstLibp2pWebrtcBin * self)
{
  GstLibp2pConnection *conn;

  g_mutex_lock (&self->lock);
  conn = self->connection;
  g_mutex_unlock (&self->lock);
  if (conn == NULL)
    return;
  gst_libp2p_connection_stop (conn);
  g_mutex_lock (&self->lock);
  self->connection = NULL;
  if (self->last_stats)
    gst_structure_free (self->last_stats);
  self->last_stats = gst_libp2p_connection_get_stats (conn);
  self->last_substream_id = gst_libp2p_connection_get_last_substream_id
      (conn);
  g_mutex_unlock (&self->lock);
  gst_libp2p_connection_unref (conn);
}

static GstStateChangeReturn
gst_libp2p_webrtc_bin_change_state (GstElement * element,
    GstStateChange transition)
{
  GstLibp2pWebrtcBin *self = GST_LIBP2P_WEBRTC_BIN (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_NULL_TO_READY && self->webrtcbin == NULL) {
    GST_ELEMENT_ERROR (self, CORE, MISSING_PLUGIN,
        ("webrtcbin is missing (gst-plugins-bad's webrtc plugin)"), (NULL));
    return GST_STATE_CHANGE_FAILURE;
  }
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
    g_autoptr (GstLibp2pConnection) conn = get_connection (self);

    if (conn)
      gst_libp2p_connection_begin_stop (conn);
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE)
    return ret;

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (!start (self))
        return GST_STATE_CHANGE_FAILURE;
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      stop (self);
      break;
    default:
      break;
  }
  return ret;
}

static void
gst_libp2p_webrtc_bin_dispose (GObject * object)
{
  GstLibp2pWebrtcBin *self = GST_LIBP2P_WEBRTC_BIN (object);

  gst_clear_object (&self->webrtcbin);
  G_OBJECT_CLASS (parent_class)->dispose (object);
}

static void
gst_libp2p_webrtc_bin_finalize (GObject * object)
{
  GstLibp2pWebrtcBin *self = GST_LIBP2P_WEBRTC_BIN (object);

  if (self->last_stats)
    gst_structure_free (self->last_stats);
  g_strfreev (self->protocols);
  g_free (self->config_error);
  g_free (self->peer_address);
  g_free (self->address_error);
  g_free (self->key_error);
  g_free (self->remote_peer_id);
  lp2p_identity_free (self->identity);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_libp2p_webrtc_bin_class_init (GstLibp2pWebrtcBinClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (gst_libp2p_webrtc_bin_debug, "libp2pwebrtcbin", 0,
      "libp2p substreams over webrtcbin data channels");

  gobject_class->set_property = gst_libp2p_webrtc_bin_set_property;
  gobject_class->get_property = gst_libp2p_webrtc_bin_get_property;
  gobject_class->dispose = gst_libp2p_webrtc_bin_dispose;
  gobject_class->finalize = gst_libp2p_webrtc_bin_finalize;
  element_class->change_state = gst_libp2p_webrtc_bin_change_state;
  element_class->request_new_pad = gst_libp2p_webrtc_bin_request_new_pad;
  element_class->release_pad = gst_libp2p_webrtc_bin_release_pad;

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
          "otherwise the pad waits for the remote to open it",
          DEFAULT_DIAL_ON_REQUEST, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_SEND_HIGH_WATER,
      g_param_spec_uint64 ("send-high-water", "Send high water",
          "A sink pad waits while its data channel buffers more than this "
          "many bytes, until it drains to half", 16384, G_MAXUINT64,
          DEFAULT_SEND_HIGH_WATER, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_RECEIVE_QUEUE_SIZE,
      g_param_spec_uint ("receive-queue-size", "Receive queue size",
          "Bytes received and not yet pushed out of one src pad; past it the "
          "substream is reset (a slow consumer never blocks the others)",
          65536, G_MAXUINT, DEFAULT_RECEIVE_QUEUE_SIZE,
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
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics",
          "application/x-libp2p-stats: substreams-opened, substreams-failed "
          "(guint64), substreams-active (guint), bytes-in, bytes-out "
          "(guint64, payload bytes), frames-reassembled (guint64: frames "
          "that arrived split across data-channel messages, as js-libp2p "
          "and go-libp2p send them)", GST_TYPE_STRUCTURE,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

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
      G_CALLBACK (gst_libp2p_webrtc_bin_open_substream), NULL, NULL, NULL,
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

  gst_element_class_add_static_pad_template_with_gtype (element_class,
      &gst_libp2p_src_template, GST_TYPE_LIBP2P_PAD);
  gst_element_class_add_static_pad_template_with_gtype (element_class,
      &sink_template, GST_TYPE_LIBP2P_PAD);
  gst_element_class_set_static_metadata (element_class,
      "libp2p WebRTC bin", "Network/Protocol",
      "libp2p substreams over webrtcbin data channels: multistream-select "
      "1.0 on every channel, one src/sink pad pair per substream, named "
      "src_<key>_<n> / sink_<key>_<n> after its protocol "
      "(/echo/1.0.0 -> echo-1-0-0).  With peer-address it dials a libp2p "
      "node by its WebRTC-direct multiaddr, no signalling needed.  Example: "
      "filesrc location=in ! p.sink_echo-1-0-0_0  libp2pwebrtcbin name=p "
      "protocols=/echo/1.0.0 dial-on-request=true "
      "peer-address=/ip4/.../udp/.../webrtc-direct/certhash/.../p2p/...  "
      "p.src_echo-1-0-0_0 ! filesink location=out",
      "gst-libp2p developers");
  gst_type_mark_as_plugin_api (GST_TYPE_LIBP2P_PAD, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_LIBP2P_DIRECTION, 0);
}
static void
gst_libp2p_webrtc_bin_init (GstLibp2pWebrtcBin * self)
{
  GstElement *webrtc;

  g_mutex_init (&self->lock);
  self->negotiation_timeout = DEFAULT_NEGOTIATION_TIMEOUT;
  self->fin_ack_timeout = DEFAULT_FIN_ACK_TIMEOUT;
  self->max_frame_size = DEFAULT_MAX_FRAME_SIZE;
  self->lazy = DEFAULT_LAZY;
  self->dial_on_request = DEFAULT_DIAL_ON_REQUEST;
  self->ping_responder = DEFAULT_PING_RESPONDER;
  self->send_high_water = DEFAULT_SEND_HIGH_WATER;
  self->receive_queue_size = DEFAULT_RECEIVE_QUEUE_SIZE;
  self->connect_timeout = DEFAULT_CONNECT_TIMEOUT;
  self->stream_id_base = g_random_int ();

  webrtc = gst_element_factory_make ("webrtcbin", "webrtcbin");
  if (webrtc)
    set_webrtcbin (self, webrtc);
}
