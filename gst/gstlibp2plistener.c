/* gst-libp2p: libp2plistener, a WebRTC-direct listener (see
 * gstlibp2plistener-priv.h for its rooms)
 *
 * SECTION:element-libp2plistener
 *
 * Listens on one UDP port (#GstLibp2pListener:listen-address) for
 * WebRTC-direct clients: browsers (js-libp2p, smoldot) and libp2p nodes
 * dial its multiaddr (#GstLibp2pListener:multiaddrs, also in the
 * `libp2p-listening` element message), many at once on that one port.
 * Every client that sends a valid STUN Binding Request gets its own
 * `libp2pwebrtcbin` child, made and announced by `connection-added`
 * before it carries anything: connect to its signals there
 * (`accept-protocol`, `substream-opened`, ...), link its pads as they come
 * (`pad-added`), open substreams with its `open-substream` — the same API
 * as a dialing `libp2pwebrtcbin`.  `connection-ready` says that Noise
 * authenticated the client (its peer id), `connection-removed` that the
 * connection ended, with why; the child is then stopped and removed.  One
 * client's failure never touches the others or the pipeline.
 *
 * The DTLS certificate (#GstLibp2pListener:certificate) and the identity
 * (#GstLibp2pListener:private-key) make the multiaddr's /certhash/ and
 * /p2p/: set both to keep the multiaddr across restarts (docs/listener.md).
 *
 * Every client's substreams also appear on the listener itself, numbered
 * listener-wide per protocol key (gstlibp2plistenpads.c): src_<key>_<n>
 * (what the client sends) and the request pad sink_<key>_<n> (waits for
 * that substream, then writes into it), so that a gst-launch-1.0 line
 * serves clients without a program.
 *
 * ## Examples
 * |[
 * gst-launch-1.0 -m libp2plistener listen-address=/ip4/127.0.0.1/udp/9090/webrtc-direct
 * ]| listens and prints its multiaddrs (the libp2p-listening message);
 * clients are answered for ping and identify.
 * |[
 * gst-launch-1.0 -m filesrc location=in ! l.sink_file-1-0-0_0 \
 *   libp2plistener name=l protocols=/file/1.0.0
 * ]| sends the file to the first client that opens /file/1.0.0.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlibp2plistener-priv.h"
#include "gstlibp2pice.h"

#include "direct.h"

#include "multiaddr.h"
#include "multibase.h"

#include <ifaddrs.h>
#include <netinet/in.h>
#include <string.h>

GST_DEBUG_CATEGORY (gst_libp2p_listener_debug);
#define GST_CAT_DEFAULT gst_libp2p_listener_debug

enum
{
  LPROP_0,
  LPROP_LISTEN_ADDRESS,
  LPROP_PORT,
  LPROP_MULTIADDRS,
  LPROP_PEER_ID,
  LPROP_PRIVATE_KEY,
  LPROP_CERTIFICATE,
  LPROP_PROTOCOLS,
  LPROP_MAX_CONNECTIONS,
  LPROP_MAX_HALF_OPEN,
  LPROP_MAX_NEW_PER_SOURCE,
  LPROP_MAX_ADDRESSES,
  LPROP_HANDSHAKE_TIMEOUT,
  LPROP_CONSENT_TIMEOUT,
  LPROP_RECEIVE_BUFFER,
  LPROP_STATS,
};

guint gst_libp2p_listener_signals[LSIGNAL_LAST];

#define gst_libp2p_listener_parent_class parent_class
G_DEFINE_TYPE (GstLibp2pListener, gst_libp2p_listener, GST_TYPE_BIN);
GST_ELEMENT_REGISTER_DEFINE (libp2plistener, "libp2plistener", GST_RANK_NONE,
    GST_TYPE_LIBP2P_LISTENER);

/* ---- removing a client ---- */

typedef struct
{
  GstLibp2pClient *client;
  GError *error;
} Removal;

static void
removal_free (gpointer p)
{
  Removal *r = p;

  listener_client_unref (r->client);
  g_clear_error (&r->error);
  g_free (r);
}

/* Stops and removes the client's element, then tells the application. */
static void
remove_now (GstLibp2pListener * self, GstLibp2pClient * c, const GError * e)
{
  GstElement *bin = c->bin;

  gst_libp2p_ice_detach (c->ice);
  gst_element_set_locked_state (bin, TRUE);
  gst_element_set_state (bin, GST_STATE_NULL);
  listener_pads_client_gone (self, bin);
  if (GST_OBJECT_PARENT (bin) == GST_OBJECT (self))
    gst_bin_remove (GST_BIN (self), bin);
  GST_INFO_OBJECT (self, "removed %s (%s): %s", GST_ELEMENT_NAME (bin),
      c->multiaddr, e ? e->message : "stopped");
  g_signal_emit (self,
      gst_libp2p_listener_signals[LSIGNAL_CONNECTION_REMOVED], 0, bin, e);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self),
          gst_structure_new ("libp2p-connection-removed", "connection",
              GST_TYPE_ELEMENT, bin, "peer-address", G_TYPE_STRING,
              c->multiaddr, "error", G_TYPE_ERROR, e, NULL)));
}

static void
remove_async (GstElement * element, gpointer data)
{
  Removal *r = data;

  remove_now (GST_LIBP2P_LISTENER (element), r->client, r->error);
  removal_free (r);
}

void
listener_remove_client (GstLibp2pListener * self, GstLibp2pClient * c,
    const GError * error)
{
  Removal *r;

  g_mutex_lock (&self->lock);
  if (c->removing || self->clients == NULL) {
    g_mutex_unlock (&self->lock);
    return;
  }
  listener_client_take_locked (self, c);
  g_mutex_unlock (&self->lock);
  r = g_new0 (Removal, 1);
  r->client = c;                /* the table's reference */
  r->error = error ? g_error_copy (error) : NULL;
  /* the caller may be the client's own threads: stop it from elsewhere */
  gst_element_call_async (GST_ELEMENT (self), remove_async, r, NULL);
}

/* ---- multiaddrs ---- */

static void
add_multiaddr (GstLibp2pListener * self, GPtrArray * out, gint family,
    const guint8 * ip, const guint8 certhash[32])
{
  Lp2pWebrtcDirectAddr a;

  memset (&a, 0, sizeof (a));
  lp2p_webrtc_direct_addr_set_ip (&a, family, ip);
  a.port = self->port;
  memcpy (a.certhash, certhash, 32);
  a.has_peer_id = TRUE;
  a.peer_id = *lp2p_identity_get_peer_id (self->identity);
  g_ptr_array_add (out, lp2p_webrtc_direct_addr_to_string (&a));
}

/* The bound address, or every address of its family when unspecified. */
static gchar **
make_multiaddrs (GstLibp2pListener * self, const guint8 certhash[32])
{
  static const guint8 any[16];
  GPtrArray *out = g_ptr_array_new ();
  struct ifaddrs *ifs = NULL, *i;
  gsize n = self->addr.family == 4 ? 4 : 16;

  if (memcmp (self->addr.ip, any, n) != 0 || getifaddrs (&ifs) != 0) {
    add_multiaddr (self, out, self->addr.family, self->addr.ip, certhash);
  } else {
    for (i = ifs; i; i = i->ifa_next) {
      if (i->ifa_addr == NULL)
        continue;
      if (self->addr.family == 4 && i->ifa_addr->sa_family == AF_INET)
        add_multiaddr (self, out, 4, (const guint8 *) &((struct sockaddr_in *)
                i->ifa_addr)->sin_addr, certhash);
      else if (self->addr.family == 6 && i->ifa_addr->sa_family == AF_INET6)
        add_multiaddr (self, out, 6, (const guint8 *) &((struct sockaddr_in6 *)
                i->ifa_addr)->sin6_addr, certhash);
    }
    freeifaddrs (ifs);
  }
  g_ptr_array_add (out, NULL);
  return (gchar **) g_ptr_array_free (out, FALSE);
}

/* ---- identity and certificate ---- */

static gboolean
ensure_keys_locked (GstLibp2pListener * self, GError ** error)
{
  guint8 pb[LP2P_ED25519_PRIVATE_KEY_PB_LEN];

  if (self->identity == NULL) {
    self->identity = lp2p_identity_new (error);
    if (self->identity == NULL)
      return FALSE;
    lp2p_identity_get_private_key_pb (self->identity, pb);
    g_free (self->private_key);
    self->private_key = g_base64_encode (pb, sizeof (pb));
  }
  if (self->certificate == NULL)
    self->certificate = lp2p_certificate_generate (error);
  return self->certificate != NULL;
}

static void
set_private_key_locked (GstLibp2pListener * self, const gchar * text)
{
  guint8 pb[LP2P_MULTIBASE_MAX_INPUT];
  gsize n = 0, len = text ? strlen (text) : 0;
  g_autoptr (GError) err = NULL;

  g_clear_pointer (&self->key_error, g_free);
  g_clear_pointer (&self->identity, lp2p_identity_free);
  g_clear_pointer (&self->private_key, g_free);
  while (len && text[len - 1] == '=')
    len--;
  if (len == 0)
    return;
  if (lp2p_base64_decode (text, len, FALSE, pb, sizeof (pb), &n, &err))
    self->identity = lp2p_identity_new_from_private_key (pb, n, &err);
  if (self->identity)
    self->private_key = g_strdup (text);
  else
    self->key_error = g_strdup_printf ("invalid private-key: %s",
        err ? err->message : "not base64");
}

/* ---- states ---- */

/* libp2p-listening: multiaddr (the first, a string gst-launch -m shows
 * whole), multiaddrs (an array), port, peer-id */
static void
post_listening (GstLibp2pListener * self, gchar ** addrs)
{
  GValue arr = G_VALUE_INIT, v = G_VALUE_INIT;
  GstStructure *s;
  g_autofree gchar *peer = NULL;
  guint i;

  g_mutex_lock (&self->lock);
  peer = lp2p_peer_id_to_string (lp2p_identity_get_peer_id (self->identity));
  g_mutex_unlock (&self->lock);
  gst_value_array_init (&arr, g_strv_length (addrs));
  for (i = 0; addrs[i]; i++) {
    g_value_init (&v, G_TYPE_STRING);
    g_value_set_string (&v, addrs[i]);
    gst_value_array_append_and_take_value (&arr, &v);
    memset (&v, 0, sizeof (v));
  }
  s = gst_structure_new ("libp2p-listening", "multiaddr", G_TYPE_STRING,
      addrs[0], "port", G_TYPE_UINT, (guint) self->port, "peer-id",
      G_TYPE_STRING, peer, NULL);
  gst_structure_take_value (s, "multiaddrs", &arr);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));
}

static gboolean
start (GstLibp2pListener * self)
{
  g_autoptr (GError) err = NULL;
  const gchar *config;
  guint8 certhash[32];
  gchar **addrs;

  g_mutex_lock (&self->lock);
  config = self->address_error ? self->address_error : self->key_error ?
      self->key_error : self->certificate_error;
  if (config) {
    GST_ELEMENT_ERROR (self, LIBRARY, SETTINGS, ("%s", config), (NULL));
    g_mutex_unlock (&self->lock);
    return FALSE;
  }
  if (!ensure_keys_locked (self, &err) ||
      !lp2p_certificate_pem_fingerprint (self->certificate, certhash) ||
      !listener_socket_start (self, &err)) {
    g_mutex_unlock (&self->lock);
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ_WRITE, ("cannot listen on "
            "%s: %s", self->listen_address, err ? err->message :
            "the certificate has no fingerprint"), (NULL));
    return FALSE;
  }
  g_strfreev (self->multiaddrs);
  self->multiaddrs = make_multiaddrs (self, certhash);
  addrs = g_strdupv (self->multiaddrs);
  g_mutex_unlock (&self->lock);
  GST_INFO_OBJECT (self, "listening on %s", addrs[0] ? addrs[0] : "?");
  g_object_notify (G_OBJECT (self), "port");
  g_object_notify (G_OBJECT (self), "multiaddrs");
  post_listening (self, addrs);
  g_strfreev (addrs);
  return TRUE;
}

/* After the children left PAUSED: every client removed (error STOPPED),
 * the port released. */
static void
stop (GstLibp2pListener * self)
{
  g_autoptr (GError) err = g_error_new_literal (GST_LIBP2P_ERROR,
      GST_LIBP2P_ERROR_STOPPED, "the listener stopped");
  GHashTable *clients;
  GHashTableIter it;
  gpointer v;

  g_mutex_lock (&self->lock);
  clients = self->clients;
  self->clients = NULL;
  g_clear_pointer (&self->by_username, g_hash_table_unref);
  self->n_clients = 0;
  g_mutex_unlock (&self->lock);
  if (clients) {
    g_hash_table_iter_init (&it, clients);
    while (g_hash_table_iter_next (&it, NULL, &v)) {
      GstLibp2pClient *c = v;

      /* (once per client: the table has a key per source address) */
      if (c->removing)
        continue;
      c->removing = TRUE;
      remove_now (self, c, err);
    }
    g_hash_table_unref (clients);
  }
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->new_per_source, g_hash_table_unref);
  if (self->socket)
    g_socket_close (self->socket, NULL);
  g_clear_object (&self->socket);
  self->port = 0;
  g_mutex_unlock (&self->lock);
}

static GstStateChangeReturn
gst_libp2p_listener_change_state (GstElement * element,
    GstStateChange transition)
{
  GstLibp2pListener *self = GST_LIBP2P_LISTENER (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED && !start (self))
    return GST_STATE_CHANGE_FAILURE;
  /* no new client from here on */
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    listener_socket_stop (self);
  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY ||
      (transition == GST_STATE_CHANGE_READY_TO_PAUSED &&
          ret == GST_STATE_CHANGE_FAILURE)) {
    listener_socket_stop (self);
    stop (self);
  }
  /* a listener produces nothing to preroll */
  if (ret == GST_STATE_CHANGE_SUCCESS &&
      (transition == GST_STATE_CHANGE_READY_TO_PAUSED ||
          transition == GST_STATE_CHANGE_PLAYING_TO_PAUSED))
    ret = GST_STATE_CHANGE_NO_PREROLL;
  return ret;
}

/* ---- properties ---- */

static GstStructure *
get_stats (GstLibp2pListener * self)
{
  GstStructure *s;

  g_mutex_lock (&self->lock);
  s = gst_structure_new ("application/x-libp2p-listener-stats",
      "connections", G_TYPE_UINT, self->n_clients, "half-open", G_TYPE_UINT,
      self->half_open, "refused", G_TYPE_UINT64, self->refused, "dropped",
      G_TYPE_UINT64, (guint64) self->dropped, NULL);
  g_mutex_unlock (&self->lock);
  return s;
}

static void
set_listen_address_locked (GstLibp2pListener * self, const gchar * text)
{
  g_autoptr (GError) err = NULL;

  g_free (self->listen_address);
  self->listen_address = g_strdup (text ? text : DEFAULT_LISTEN_ADDRESS);
  g_clear_pointer (&self->address_error, g_free);
  if (!lp2p_listen_addr_parse (self->listen_address, &self->addr, &err))
    self->address_error = g_strdup (err->message);
}

static void
gst_libp2p_listener_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstLibp2pListener *self = GST_LIBP2P_LISTENER (object);
  g_autoptr (GError) err = NULL;
  const gchar *pem;

  g_mutex_lock (&self->lock);
  if (self->socket && prop_id != LPROP_PROTOCOLS)
    GST_WARNING_OBJECT (self, "%s applies from the next start",
        pspec->name);
  switch (prop_id) {
    case LPROP_LISTEN_ADDRESS:
      set_listen_address_locked (self, g_value_get_string (value));
      break;
    case LPROP_PRIVATE_KEY:
      set_private_key_locked (self, g_value_get_string (value));
      break;
    case LPROP_CERTIFICATE:
      pem = g_value_get_string (value);
      g_clear_pointer (&self->certificate, g_free);
      g_clear_pointer (&self->certificate_error, g_free);
      if (pem && !lp2p_certificate_check (pem, &err))
        self->certificate_error = g_strdup (err->message);
      else
        self->certificate = g_strdup (pem);
      break;
    case LPROP_PROTOCOLS:
      g_free (self->protocols);
      self->protocols = g_value_dup_string (value);
      break;
    case LPROP_MAX_CONNECTIONS:
      self->max_connections = g_value_get_uint (value);
      break;
    case LPROP_MAX_HALF_OPEN:
      self->max_half_open = g_value_get_uint (value);
      break;
    case LPROP_MAX_NEW_PER_SOURCE:
      self->max_new_per_source = g_value_get_uint (value);
      break;
    case LPROP_MAX_ADDRESSES:
      self->max_addresses = g_value_get_uint (value);
      break;
    case LPROP_HANDSHAKE_TIMEOUT:
      self->handshake_timeout = g_value_get_uint64 (value);
      break;
    case LPROP_CONSENT_TIMEOUT:
      self->consent_timeout = g_value_get_uint64 (value);
      break;
    case LPROP_RECEIVE_BUFFER:
      self->receive_buffer = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  g_mutex_unlock (&self->lock);
  if (self->key_error && prop_id == LPROP_PRIVATE_KEY)
    g_warning ("libp2plistener: %s", self->key_error);
  if (self->certificate_error && prop_id == LPROP_CERTIFICATE)
    g_warning ("libp2plistener: %s", self->certificate_error);
}

static void
gst_libp2p_listener_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstLibp2pListener *self = GST_LIBP2P_LISTENER (object);
  g_autoptr (GError) err = NULL;

  if (prop_id == LPROP_STATS) {
    g_value_take_boxed (value, get_stats (self));
    return;
  }
  g_mutex_lock (&self->lock);
  switch (prop_id) {
    case LPROP_LISTEN_ADDRESS:
      g_value_set_string (value, self->listen_address);
      break;
    case LPROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case LPROP_MULTIADDRS:
      g_value_set_boxed (value, self->multiaddrs);
      break;
    case LPROP_PEER_ID:
      if (self->identity || ensure_keys_locked (self, &err))
        g_value_take_string (value, lp2p_peer_id_to_string
            (lp2p_identity_get_peer_id (self->identity)));
      break;
    case LPROP_CERTIFICATE:
      /* never made by reading: gst-inspect would print a private key */
      g_value_set_string (value, self->certificate);
      break;
    case LPROP_PROTOCOLS:
      g_value_set_string (value, self->protocols);
      break;
    case LPROP_MAX_CONNECTIONS:
      g_value_set_uint (value, self->max_connections);
      break;
    case LPROP_MAX_HALF_OPEN:
      g_value_set_uint (value, self->max_half_open);
      break;
    case LPROP_MAX_NEW_PER_SOURCE:
      g_value_set_uint (value, self->max_new_per_source);
      break;
    case LPROP_MAX_ADDRESSES:
      g_value_set_uint (value, self->max_addresses);
      break;
    case LPROP_HANDSHAKE_TIMEOUT:
      g_value_set_uint64 (value, self->handshake_timeout);
      break;
    case LPROP_CONSENT_TIMEOUT:
      g_value_set_uint64 (value, self->consent_timeout);
      break;
    case LPROP_RECEIVE_BUFFER:
      g_value_set_uint (value, self->receive_buffer);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  g_mutex_unlock (&self->lock);
}

static void
install_properties (GObjectClass * klass)
{
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  g_object_class_install_property (klass, LPROP_LISTEN_ADDRESS,
      g_param_spec_string ("listen-address", "Listen address",
          "Where to listen: /ip4|ip6/<address>/udp/<port>/webrtc-direct; "
          "port 0 takes any free port (read it from 'port'); 0.0.0.0 or :: "
          "listens on every address of that family",
          DEFAULT_LISTEN_ADDRESS, rw));
  g_object_class_install_property (klass, LPROP_PORT,
      g_param_spec_uint ("port", "Port", "The UDP port bound (0 when not "
          "listening)", 0, 65535, 0, ro));
  g_object_class_install_property (klass, LPROP_MULTIADDRS,
      g_param_spec_boxed ("multiaddrs", "Multiaddrs", "What clients dial "
          "while listening: /ip4/.../udp/<port>/webrtc-direct/certhash/"
          "<certhash>/p2p/<peer id>, one per address", G_TYPE_STRV, ro));
  g_object_class_install_property (klass, LPROP_PEER_ID,
      g_param_spec_string ("peer-id", "Peer id", "Our libp2p peer id (of "
          "private-key, or of the identity generated at the first start)",
          NULL, ro));
  g_object_class_install_property (klass, LPROP_PRIVATE_KEY,
      g_param_spec_string ("private-key", "Private key", "Our identity: "
          "base64 of the libp2p PrivateKey protobuf (Ed25519), as "
          "libp2pwebrtcbin's private-key; unset: a new one at the first "
          "start", NULL, G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (klass, LPROP_CERTIFICATE,
      g_param_spec_string ("certificate", "DTLS certificate", "PEM of the "
          "DTLS certificate and its private key (the multiaddrs' certhash); "
          "unset: an ECDSA P-256 one is generated at the first start; "
          "read it after that to save it, set it again for a stable "
          "multiaddr", NULL, rw));
  g_object_class_install_property (klass, LPROP_PROTOCOLS,
      g_param_spec_string ("protocols", "Protocols", "Comma-separated "
          "protocol ids every client's libp2pwebrtcbin accepts (its "
          "'protocols')", NULL, rw));
  g_object_class_install_property (klass, LPROP_MAX_CONNECTIONS,
      g_param_spec_uint ("max-connections", "Max connections", "Clients at "
          "once; a new one over it gets no STUN answer", 0, G_MAXUINT,
          DEFAULT_MAX_CONNECTIONS, rw));
  g_object_class_install_property (klass, LPROP_MAX_HALF_OPEN,
      g_param_spec_uint ("max-half-open", "Max half-open", "Clients at once "
          "whose handshake (ICE, DTLS, SCTP, Noise) has not finished", 0,
          G_MAXUINT, DEFAULT_MAX_HALF_OPEN, rw));
  g_object_class_install_property (klass, LPROP_MAX_NEW_PER_SOURCE,
      g_param_spec_uint ("max-new-per-source", "Max new per source", "New "
          "clients (ICE usernames) one IP address may start per second", 0,
          G_MAXUINT, DEFAULT_MAX_NEW_PER_SOURCE, rw));
  g_object_class_install_property (klass, LPROP_MAX_ADDRESSES,
      g_param_spec_uint ("max-addresses-per-ufrag", "Max addresses per "
          "ufrag", "Source addresses one client (ICE username) may check "
          "from; a request from one more gets no answer. Data goes to the "
          "address of its latest USE-CANDIDATE request", 1, 1024,
          DEFAULT_MAX_ADDRESSES, rw));
  g_object_class_install_property (klass, LPROP_HANDSHAKE_TIMEOUT,
      g_param_spec_uint64 ("handshake-timeout", "Handshake timeout", "A "
          "client's ICE, DTLS, SCTP and Noise must finish within this (ns)",
          GST_MSECOND, G_MAXUINT64, DEFAULT_HANDSHAKE_TIMEOUT, rw));
  g_object_class_install_property (klass, LPROP_CONSENT_TIMEOUT,
      g_param_spec_uint64 ("consent-timeout", "Consent timeout", "A client "
          "that sends no valid STUN Binding Request for this long (ns) is "
          "dropped (RFC 7675: 30 s)", GST_SECOND, G_MAXUINT64,
          DEFAULT_CONSENT_TIMEOUT, rw));
  g_object_class_install_property (klass, LPROP_RECEIVE_BUFFER,
      g_param_spec_uint ("receive-buffer", "Receive buffer", "SO_RCVBUF of "
          "the socket (bytes)", 4096, G_MAXINT, DEFAULT_RECEIVE_BUFFER, rw));
  g_object_class_install_property (klass, LPROP_STATS,
      g_param_spec_boxed ("stats", "Statistics", "connections, half-open, "
          "refused (new clients over a bound), dropped (datagrams from "
          "nobody we know, STUN that failed its check)", GST_TYPE_STRUCTURE,
          ro));
}

static void
install_signals (GObjectClass * klass)
{
  /**
   * GstLibp2pListener::connection-added:
   * @connection: the client's libp2pwebrtcbin, not started yet
   * @address: the client's multiaddr (/ip4/.../udp/<port>/webrtc-direct)
   *
   * A new client sent a valid STUN Binding Request.  Connect to the
   * element's signals here: it carries nothing before this returns.
   * Emitted from the listener's socket thread.
   */
  gst_libp2p_listener_signals[LSIGNAL_CONNECTION_ADDED] =
      g_signal_new ("connection-added", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
      GST_TYPE_ELEMENT, G_TYPE_STRING);
  /**
   * GstLibp2pListener::connection-ready:
   * @connection: the client's libp2pwebrtcbin
   * @peer_id: the client's peer id, proven by Noise
   */
  gst_libp2p_listener_signals[LSIGNAL_CONNECTION_READY] =
      g_signal_new ("connection-ready", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
      GST_TYPE_ELEMENT, G_TYPE_STRING);
  /**
   * GstLibp2pListener::connection-removed:
   * @connection: the client's libp2pwebrtcbin, stopped and out of the
   *   listener
   * @error: why (GST_LIBP2P_ERROR: STOPPED when the listener stopped)
   */
  gst_libp2p_listener_signals[LSIGNAL_CONNECTION_REMOVED] =
      g_signal_new ("connection-removed", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
      GST_TYPE_ELEMENT, G_TYPE_ERROR);
}

static void
gst_libp2p_listener_finalize (GObject * object)
{
  GstLibp2pListener *self = GST_LIBP2P_LISTENER (object);

  g_free (self->listen_address);
  g_free (self->address_error);
  g_free (self->private_key);
  g_clear_pointer (&self->identity, lp2p_identity_free);
  g_free (self->key_error);
  g_free (self->certificate);
  g_free (self->certificate_error);
  g_free (self->protocols);
  g_strfreev (self->multiaddrs);
  listener_pads_finalize (self);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_libp2p_listener_class_init (GstLibp2pListenerClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->set_property = gst_libp2p_listener_set_property;
  gobject_class->get_property = gst_libp2p_listener_get_property;
  gobject_class->finalize = gst_libp2p_listener_finalize;
  element_class->change_state = gst_libp2p_listener_change_state;
  install_properties (gobject_class);
  install_signals (gobject_class);
  listener_pads_class_init (element_class);
  gst_element_class_set_static_metadata (element_class,
      "libp2p WebRTC-direct listener", "Network/Bin",
      "Listens for WebRTC-direct clients (browsers, smoldot, libp2p nodes) "
      "on one UDP port: one libp2pwebrtcbin per client; every client's "
      "substreams also on its own pads src_<key>_<n> / sink_<key>_<n>",
      "gst-libp2p <https://libp2p.io/>");
  GST_DEBUG_CATEGORY_INIT (gst_libp2p_listener_debug, "libp2plistener", 0,
      "libp2p: WebRTC-direct listener");
}

static void
gst_libp2p_listener_init (GstLibp2pListener * self)
{
  g_mutex_init (&self->lock);
  listener_pads_init (self);
  set_listen_address_locked (self, DEFAULT_LISTEN_ADDRESS);
  self->max_connections = DEFAULT_MAX_CONNECTIONS;
  self->max_half_open = DEFAULT_MAX_HALF_OPEN;
  self->max_new_per_source = DEFAULT_MAX_NEW_PER_SOURCE;
  self->max_addresses = DEFAULT_MAX_ADDRESSES;
  self->handshake_timeout = DEFAULT_HANDSHAKE_TIMEOUT;
  self->consent_timeout = DEFAULT_CONSENT_TIMEOUT;
  self->receive_buffer = DEFAULT_RECEIVE_BUFFER;
  GST_OBJECT_FLAG_UNSET (self, GST_ELEMENT_FLAG_SINK);
}
