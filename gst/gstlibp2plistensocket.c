/* gst-libp2p: libp2plistener's UDP socket (see gstlibp2plistener-priv.h)
 *
 * One socket per listener, one thread reading it.  Each datagram is
 * demultiplexed by its source address (litep2p's AddressPair; RFC 7983's
 * first byte: 0-3 STUN, 20-63 DTLS):
 *   - STUN from anyone: checked with libnice's STUN library
 *     (stun_agent_validate: USERNAME, MESSAGE-INTEGRITY keyed with our
 *     password, FINGERPRINT); a valid Binding Request is answered
 *     (stun_usage_ice_conncheck_create_reply: XOR-MAPPED-ADDRESS, integrity,
 *     fingerprint) and keeps its client's consent fresh; from an unknown
 *     source it makes a new client first (listen.h: the USERNAME gives the
 *     credentials), within the bounds.  Anything else, keepalive
 *     indications without USERNAME included, is dropped;
 *   - other datagrams from a known client go to its ICE agent; from anyone
 *     else they are dropped.
 * Once a second the thread drops clients whose consent expired.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlibp2plistener-priv.h"
#include "gstlibp2pice.h"
#include "gstlibp2pwebrtc.h"

#include <stun/stunagent.h>
#include <stun/usages/ice.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

GST_DEBUG_CATEGORY_EXTERN (gst_libp2p_listener_debug);
#define GST_CAT_DEFAULT gst_libp2p_listener_debug

/* the largest datagram we read (a DTLS record in one UDP datagram) */
#define DATAGRAM_MAX 65536
#define SWEEP_US G_USEC_PER_SEC
#define MAX_SOURCES_TRACKED 4096

static const uint16_t stun_known[] = {
  STUN_ATTRIBUTE_USERNAME, STUN_ATTRIBUTE_MESSAGE_INTEGRITY,
  STUN_ATTRIBUTE_ERROR_CODE, STUN_ATTRIBUTE_UNKNOWN_ATTRIBUTES,
  STUN_ATTRIBUTE_XOR_MAPPED_ADDRESS, STUN_ATTRIBUTE_PRIORITY,
  STUN_ATTRIBUTE_USE_CANDIDATE, STUN_ATTRIBUTE_ICE_CONTROLLED,
  STUN_ATTRIBUTE_ICE_CONTROLLING, 0
};

/* ---- where a client's agent sends ---- */

struct _GstLibp2pDest
{
  gint ref;
  GSocket *socket;
  GMutex lock;
  GSocketAddress *address;      /* lock */
};

static GstLibp2pDest *
dest_new (GSocket * socket, GSocketAddress * address)
{
  GstLibp2pDest *d = g_new0 (GstLibp2pDest, 1);

  d->ref = 1;
  d->socket = g_object_ref (socket);
  d->address = g_object_ref (address);
  g_mutex_init (&d->lock);
  return d;
}

static GstLibp2pDest *
dest_ref (GstLibp2pDest * d)
{
  g_atomic_int_inc (&d->ref);
  return d;
}

static void
dest_unref (gpointer p)
{
  GstLibp2pDest *d = p;

  if (!g_atomic_int_dec_and_test (&d->ref))
    return;
  g_object_unref (d->socket);
  g_object_unref (d->address);
  g_mutex_clear (&d->lock);
  g_free (d);
}

/* TRUE when @to is new */
static gboolean
dest_set_address (GstLibp2pDest * d, GSocketAddress * to)
{
  GInetSocketAddress *a = G_INET_SOCKET_ADDRESS (to), *b;
  GSocketAddress *old;

  g_mutex_lock (&d->lock);
  old = d->address;
  b = G_INET_SOCKET_ADDRESS (old);
  if (g_inet_socket_address_get_port (a) == g_inet_socket_address_get_port (b)
      && g_inet_address_equal (g_inet_socket_address_get_address (a),
          g_inet_socket_address_get_address (b))) {
    g_mutex_unlock (&d->lock);
    return FALSE;
  }
  d->address = g_object_ref (to);
  g_mutex_unlock (&d->lock);
  g_object_unref (old);
  return TRUE;
}

/* dtlssrtpenc's thread: one datagram to the client */
static void
client_send (gpointer data, GstBuffer * buffer)
{
  GstLibp2pDest *d = data;
  GSocketAddress *to;
  GstMapInfo map;

  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    return;
  g_mutex_lock (&d->lock);
  to = g_object_ref (d->address);
  g_mutex_unlock (&d->lock);
  /* non-blocking: a full send buffer drops it, as a network would */
  g_socket_send_to (d->socket, to, (const gchar *) map.data, map.size, NULL,
      NULL);
  g_object_unref (to);
  gst_buffer_unmap (buffer, &map);
}

/* ---- clients ---- */

GstLibp2pClient *
listener_client_ref (GstLibp2pClient * c)
{
  g_atomic_int_inc (&c->ref);
  return c;
}

void
listener_client_unref (GstLibp2pClient * c)
{
  if (!g_atomic_int_dec_and_test (&c->ref))
    return;
  g_clear_object (&c->address);
  gst_clear_object (&c->ice);
  gst_clear_object (&c->bin);
  g_clear_pointer (&c->dest, dest_unref);
  g_ptr_array_unref (c->keys);
  g_free (c->multiaddr);
  g_free (c->local);
  g_free (c->username);
  g_free (c);
}

void
listener_client_take_locked (GstLibp2pListener * self, GstLibp2pClient * c)
{
  guint i;

  c->removing = TRUE;
  if (!c->authenticated)
    self->half_open--;
  self->n_clients--;
  g_hash_table_remove (self->by_username, c->username);
  for (i = 0; i < c->keys->len; i++) {
    g_hash_table_steal (self->clients, g_ptr_array_index (c->keys, i));
    /* the table's references but one (the caller's now) */
    if (i > 0)
      listener_client_unref (c);
  }
}

static gchar *
address_key (GSocketAddress * a, gchar ** host, guint16 * port)
{
  GInetSocketAddress *ia = G_INET_SOCKET_ADDRESS (a);

  *host = g_inet_address_to_string (g_inet_socket_address_get_address (ia));
  *port = g_inet_socket_address_get_port (ia);
  return g_strdup_printf ("%s %u", *host, *port);
}

/* ---- a client's element ---- */

static void
accept_connected (gpointer data, GstLibp2pWebrtcBin * bin,
    const gchar * remote_peer_id)
{
  GstLibp2pListener *self = data;
  GstLibp2pClient *c;

  g_mutex_lock (&self->lock);
  c = self->clients ? g_object_get_data (G_OBJECT (bin), "libp2p-client") :
      NULL;
  if (c && !c->authenticated && !c->removing) {
    c->authenticated = TRUE;
    self->half_open--;
  }
  g_mutex_unlock (&self->lock);
  GST_INFO_OBJECT (self, "%s authenticated as %s", GST_ELEMENT_NAME (bin),
      remote_peer_id);
  g_signal_emit (self, gst_libp2p_listener_signals[LSIGNAL_CONNECTION_READY],
      0, bin, remote_peer_id);
}

static void
accept_ended (gpointer data, GstLibp2pWebrtcBin * bin, const GError * error)
{
  GstLibp2pListener *self = data;
  GstLibp2pClient *c;

  g_mutex_lock (&self->lock);
  c = g_object_get_data (G_OBJECT (bin), "libp2p-client");
  if (c)
    listener_client_ref (c);
  g_mutex_unlock (&self->lock);
  if (c == NULL)
    return;
  listener_remove_client (self, c, error);
  listener_client_unref (c);
}

const GstLibp2pAcceptFuncs gst_libp2p_listener_accept_funcs = {
  accept_connected, accept_ended
};

/* The element of a new client: a libp2pwebrtcbin around a webrtcbin
 * around our ICE agent, told what the listener inferred. */
static GstElement *
client_make_bin (GstLibp2pListener * self, GstLibp2pClient * c,
    const Lp2pIceCredentials * creds, const gchar * host, guint16 port)
{
  g_autofree gchar *name = NULL;
  g_autofree gchar *offer = NULL;
  g_autofree gchar *key = NULL, *cert = NULL, *protocols = NULL;
  GstClockTime timeout;
  GstElement *bin, *webrtc;
  GInetAddress *ia =
      g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (c->address));
  gint family = g_inet_address_get_family (ia) == G_SOCKET_FAMILY_IPV6 ? 6 : 4;

  g_mutex_lock (&self->lock);
  name = g_strdup_printf ("client%u", self->next_client++);
  key = g_strdup (self->private_key);
  cert = g_strdup (self->certificate);
  protocols = g_strdup (self->protocols);
  timeout = self->handshake_timeout;
  g_mutex_unlock (&self->lock);

  bin = gst_element_factory_make ("libp2pwebrtcbin", name);
  if (bin == NULL)
    return NULL;
  /* the webrtcbin takes the agent's reference: ours stays in c->ice */
  webrtc = gst_libp2p_rtc_make_webrtcbin (gst_object_ref (c->ice),
      "webrtcbin", cert);
  if (webrtc == NULL) {
    gst_object_unref (gst_object_ref_sink (bin));
    return NULL;
  }
  bin_set_webrtcbin (GST_LIBP2P_WEBRTC_BIN (bin), webrtc);
  g_object_set (bin, "private-key", key, "connect-timeout", timeout,
      "error-on-disconnect", FALSE, NULL);
  if (protocols)
    g_object_set (bin, "protocols", protocols, NULL);
  offer = lp2p_sdp_client_offer (creds, family, host, port);
  gst_libp2p_webrtc_bin_accept (GST_LIBP2P_WEBRTC_BIN (bin), c->multiaddr,
      offer, creds->local, &gst_libp2p_listener_accept_funcs, self);
  return bin;
}

/* ---- bounds ---- */

/* New clients one source address started in the second since its first. */
typedef struct
{
  gint64 start;                 /* monotonic us */
  guint n;
} SourceCount;

/* A new client from @host: within max-connections, max-half-open and
 * max-new-per-source?  Counts it when it is. */
static gboolean
admit_locked (GstLibp2pListener * self, const gchar * host,
    const gchar ** why)
{
  gint64 now = g_get_monotonic_time ();
  SourceCount *sc = g_hash_table_lookup (self->new_per_source, host);

  *why = NULL;
  if (sc && now - sc->start >= G_USEC_PER_SEC) {
    sc->start = now;
    sc->n = 0;
  }
  if (self->n_clients >= self->max_connections)
    *why = "max-connections";
  else if (self->half_open >= self->max_half_open)
    *why = "max-half-open";
  else if (sc && sc->n >= self->max_new_per_source)
    *why = "max-new-per-source";
  else if (sc == NULL && self->max_new_per_source == 0)
    *why = "max-new-per-source";
  else if (sc == NULL &&
      g_hash_table_size (self->new_per_source) >= MAX_SOURCES_TRACKED)
    *why = "too many new sources in one second";
  if (*why)
    return FALSE;
  if (sc == NULL) {
    sc = g_new0 (SourceCount, 1);
    sc->start = now;
    g_hash_table_insert (self->new_per_source, g_strdup (host), sc);
  }
  sc->n++;
  return TRUE;
}

static gboolean
source_expired (gpointer key, gpointer value, gpointer now)
{
  return *(gint64 *) now - ((SourceCount *) value)->start >= G_USEC_PER_SEC;
}

/* ---- STUN ---- */

typedef struct
{
  GstLibp2pClient *client;      /* known source, or NULL */
  Lp2pIceCredentials creds;     /* an unknown source's, once validated */
} Check;

static bool
stun_password (StunAgent * agent, StunMessage * msg, uint8_t * username,
    uint16_t username_len, uint8_t ** password, size_t * password_len,
    void *user_data)
{
  Check *ck = user_data;

  if (ck->client) {
    if (username_len != strlen (ck->client->username) ||
        memcmp (username, ck->client->username, username_len) != 0)
      return false;
    *password = (uint8_t *) ck->client->local;
    *password_len = strlen (ck->client->local);
    return true;
  }
  lp2p_ice_credentials_clear (&ck->creds);
  if (!lp2p_ice_credentials_from_username (username, username_len,
          &ck->creds, NULL))
    return false;
  *password = (uint8_t *) ck->creds.local;
  *password_len = strlen (ck->creds.local);
  return true;
}

/* A new client for a valid first request; NULL when a bound refuses it. */
static GstLibp2pClient *
client_new (GstLibp2pListener * self, GSocketAddress * from, Check * ck)
{
  GstLibp2pClient *c;
  g_autofree gchar *host = NULL;
  const gchar *why = NULL;
  guint16 port;
  GstElement *bin;
  gchar *key = address_key (from, &host, &port);

  g_mutex_lock (&self->lock);
  if (self->clients == NULL || !admit_locked (self, host, &why)) {
    self->refused++;
    g_mutex_unlock (&self->lock);
    GST_INFO_OBJECT (self, "refused a new client at %s: %s", key, why);
    g_free (key);
    return NULL;
  }
  self->half_open++;
  g_mutex_unlock (&self->lock);

  c = g_new0 (GstLibp2pClient, 1);
  c->ref = 1;
  c->address = g_object_ref (from);
  c->keys = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (c->keys, key);
  c->multiaddr = g_strdup_printf ("/ip%d/%s/udp/%u/webrtc-direct",
      g_inet_address_get_family (g_inet_socket_address_get_address
          (G_INET_SOCKET_ADDRESS (from))) == G_SOCKET_FAMILY_IPV6 ? 6 : 4,
      host, port);
  c->local = g_strdup (ck->creds.local);
  c->username = g_strdup_printf ("%s:%s", ck->creds.local,
      ck->creds.client_ufrag);
  c->last_check = g_get_monotonic_time ();
  c->dest = dest_new (self->socket, from);
  c->ice = gst_libp2p_ice_new (client_send, dest_ref (c->dest), dest_unref);
  bin = client_make_bin (self, c, &ck->creds, host, port);
  if (bin == NULL) {
    GST_ERROR_OBJECT (self, "cannot make the elements of a client");
    g_mutex_lock (&self->lock);
    self->half_open--;
    g_mutex_unlock (&self->lock);
    gst_libp2p_ice_detach (c->ice);
    listener_client_unref (c);
    return NULL;
  }
  c->bin = gst_object_ref_sink (bin);
  g_object_set_data (G_OBJECT (bin), "libp2p-client", c);
  GST_INFO_OBJECT (self, "new client %s at %s (v%d credentials)",
      GST_ELEMENT_NAME (bin), c->multiaddr, ck->creds.version);

  listener_pads_watch (self, bin);
  /* the application connects to the element's signals here, before it
   * can carry anything */
  g_signal_emit (self, gst_libp2p_listener_signals[LSIGNAL_CONNECTION_ADDED],
      0, bin, c->multiaddr);
  g_mutex_lock (&self->lock);
  if (self->clients) {
    g_hash_table_insert (self->clients, key, listener_client_ref (c));
    g_hash_table_insert (self->by_username, c->username, c);
    self->n_clients++;
  }
  g_mutex_unlock (&self->lock);
  gst_bin_add (GST_BIN (self), bin);
  gst_element_sync_state_with_parent (bin);
  return c;
}

/* A valid request of a known client (its USERNAME) from another source
 * address: that address becomes one of the client's, within
 * max-addresses-per-ufrag.  FALSE when the USERNAME is nobody's; else
 * *@out is the client (a reference) or NULL when the bound refuses. */
static gboolean
add_address (GstLibp2pListener * self, GSocketAddress * from, Check * ck,
    GstLibp2pClient ** out)
{
  g_autofree gchar *user = g_strdup_printf ("%s:%s", ck->creds.local,
      ck->creds.client_ufrag);
  g_autofree gchar *host = NULL;
  guint16 port;
  gchar *key = address_key (from, &host, &port);
  GstLibp2pClient *c;

  *out = NULL;
  g_mutex_lock (&self->lock);
  c = self->by_username ? g_hash_table_lookup (self->by_username, user) :
      NULL;
  if (c == NULL || c->removing) {
    g_mutex_unlock (&self->lock);
    g_free (key);
    return c != NULL;
  }
  if (c->keys->len >= self->max_addresses) {
    self->refused++;
    g_mutex_unlock (&self->lock);
    GST_INFO_OBJECT (self, "refused source %s of %s: max-addresses-per-ufrag "
        "(%u)", key, GST_ELEMENT_NAME (c->bin), self->max_addresses);
    g_free (key);
    return TRUE;
  }
  g_ptr_array_add (c->keys, key);
  g_hash_table_insert (self->clients, key, listener_client_ref (c));
  *out = listener_client_ref (c);
  g_mutex_unlock (&self->lock);
  GST_INFO_OBJECT (self, "%s also checks from %s (%u addresses)",
      GST_ELEMENT_NAME (c->bin), key, c->keys->len);
  return TRUE;
}

static void
send_reply (GstLibp2pListener * self, GSocketAddress * to, StunAgent * agent,
    StunMessage * req)
{
  guint8 buf[STUN_MAX_MESSAGE_SIZE];
  size_t len = sizeof (buf);
  struct sockaddr_storage ss;
  StunMessage reply;
  bool control = false;
  StunUsageIceReturn r;

  memset (&ss, 0, sizeof (ss));
  if (!g_socket_address_to_native (to, &ss, sizeof (ss), NULL))
    return;
  r = stun_usage_ice_conncheck_create_reply (agent, req, &reply, buf, &len,
      &ss, (socklen_t) g_socket_address_get_native_size (to), &control,
      g_random_int (), STUN_USAGE_ICE_COMPATIBILITY_RFC5245);
  if ((r == STUN_USAGE_ICE_RETURN_SUCCESS ||
          r == STUN_USAGE_ICE_RETURN_ROLE_CONFLICT) && len > 0)
    g_socket_send_to (self->socket, to, (const gchar *) buf, len, NULL, NULL);
}

static void
on_stun (GstLibp2pListener * self, GSocketAddress * from,
    GstLibp2pClient * known, const guint8 * data, gsize len)
{
  StunAgent agent;
  StunMessage msg;
  Check ck = { known };
  StunValidationStatus st;
  GstLibp2pClient *c = known;

  stun_agent_init (&agent, stun_known, STUN_COMPATIBILITY_RFC5389,
      STUN_AGENT_USAGE_SHORT_TERM_CREDENTIALS |
      STUN_AGENT_USAGE_USE_FINGERPRINT);
  st = stun_agent_validate (&agent, &msg, data, len, stun_password, &ck);
  if (st != STUN_VALIDATION_SUCCESS ||
      stun_message_get_class (&msg) != STUN_REQUEST ||
      stun_message_get_method (&msg) != STUN_BINDING) {
    GST_LOG_OBJECT (self, "STUN not for us (validation %d)", st);
    self->dropped++;       /* this thread only */
    lp2p_ice_credentials_clear (&ck.creds);
    return;
  }
  if (c == NULL && !add_address (self, from, &ck, &c))
    c = client_new (self, from, &ck);
  if (c) {
    g_mutex_lock (&self->lock);
    c->last_check = g_get_monotonic_time ();
    g_mutex_unlock (&self->lock);
    send_reply (self, from, &agent, &msg);
    /* the controlling agent's choice: send from now on where it asked */
    if (stun_message_has_attribute (&msg, STUN_ATTRIBUTE_USE_CANDIDATE) &&
        dest_set_address (c->dest, from))
      GST_INFO_OBJECT (self, "%s nominated another of its addresses: data "
          "goes there", GST_ELEMENT_NAME (c->bin));
    gst_libp2p_ice_set_connected (c->ice);
    if (c != known)
      listener_client_unref (c);
  }
  lp2p_ice_credentials_clear (&ck.creds);
}

static void
on_datagram (GstLibp2pListener * self, GSocketAddress * from,
    const guint8 * data, gsize len)
{
  GstLibp2pClient *c = NULL;
  g_autofree gchar *host = NULL;
  g_autofree gchar *key = NULL;
  guint16 port;

  if (len == 0 || !G_IS_INET_SOCKET_ADDRESS (from))
    return;
  key = address_key (from, &host, &port);
  g_mutex_lock (&self->lock);
  if (self->clients)
    c = g_hash_table_lookup (self->clients, key);
  if (c)
    listener_client_ref (c);
  g_mutex_unlock (&self->lock);

  GST_LOG_OBJECT (self, "%" G_GSIZE_FORMAT " bytes from %s (first byte %u, "
      "%s)", len, key, data[0], c ? "a client" : "unknown");
  if (data[0] < 4 && len >= 20)
    on_stun (self, from, c, data, len);
  else if (c)
    gst_libp2p_ice_receive (c->ice, gst_buffer_new_memdup (data, len));
  else
    self->dropped++;
  if (c)
    listener_client_unref (c);
}

/* ---- consent ---- */

static void
sweep (GstLibp2pListener * self)
{
  gint64 now = g_get_monotonic_time ();
  GPtrArray *expired = g_ptr_array_new ();
  GHashTableIter it;
  gpointer v;
  guint i;

  g_mutex_lock (&self->lock);
  g_hash_table_foreach_remove (self->new_per_source, source_expired, &now);
  g_hash_table_iter_init (&it, self->clients);
  while (g_hash_table_iter_next (&it, NULL, &v)) {
    GstLibp2pClient *c = v;

    if (!c->removing && now - c->last_check >
        (gint64) (self->consent_timeout / GST_USECOND))
      g_ptr_array_add (expired, listener_client_ref (c));
  }
  g_mutex_unlock (&self->lock);
  for (i = 0; i < expired->len; i++) {
    GstLibp2pClient *c = g_ptr_array_index (expired, i);
    g_autoptr (GError) err = g_error_new (GST_LIBP2P_ERROR,
        GST_LIBP2P_ERROR_NOT_CONNECTED, "%s sent no valid STUN Binding "
        "Request for %" GST_TIME_FORMAT " (consent expired)", c->multiaddr,
        GST_TIME_ARGS (self->consent_timeout));

    gst_libp2p_ice_set_failed (c->ice);
    listener_remove_client (self, c, err);
    listener_client_unref (c);
  }
  g_ptr_array_unref (expired);
}

/* ---- the thread ---- */

static gpointer
socket_thread (gpointer data)
{
  GstLibp2pListener *self = data;
  guint8 *buf = g_malloc (DATAGRAM_MAX);
  gint64 next_sweep = g_get_monotonic_time () + SWEEP_US;

  while (!g_cancellable_is_cancelled (self->cancel)) {
    GSocketAddress *from = NULL;
    gssize n;

    if (g_get_monotonic_time () >= next_sweep) {
      sweep (self);
      next_sweep = g_get_monotonic_time () + SWEEP_US;
    }
    if (!g_socket_condition_timed_wait (self->socket, G_IO_IN, SWEEP_US,
            self->cancel, NULL))
      continue;
    n = g_socket_receive_from (self->socket, &from, (gchar *) buf,
        DATAGRAM_MAX, NULL, NULL);
    if (n > 0 && from)
      on_datagram (self, from, buf, (gsize) n);
    g_clear_object (&from);
  }
  g_free (buf);
  return NULL;
}

static void
size_receive_buffer (GstLibp2pListener * self)
{
  gint fd = g_socket_get_fd (self->socket);
  gint size = (gint) self->receive_buffer;

  /* bursts of many clients' DTLS and SCTP: a small buffer drops them
   * (listener-notes.md: RcvbufErrors +~1000 per run with the default) */
#ifdef SO_RCVBUFFORCE
  if (setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof (size)) == 0)
    return;
#endif
  if (setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof (size)) != 0)
    GST_WARNING_OBJECT (self, "cannot size the receive buffer: %s",
        g_strerror (errno));
}

gboolean
listener_socket_start (GstLibp2pListener * self, GError ** error)
{
  g_autoptr (GInetAddress) ia = NULL;
  g_autoptr (GSocketAddress) sa = NULL;
  g_autoptr (GSocketAddress) bound = NULL;
  GSocket *sock;

  ia = g_inet_address_new_from_bytes (self->addr.ip, self->addr.family == 4 ?
      G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);
  sa = g_inet_socket_address_new (ia, self->addr.port);
  sock = g_socket_new (g_socket_address_get_family (sa),
      G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
  if (sock == NULL)
    return FALSE;
  if (!g_socket_bind (sock, sa, FALSE, error)) {
    g_object_unref (sock);
    return FALSE;
  }
  g_socket_set_blocking (sock, FALSE);
  bound = g_socket_get_local_address (sock, error);
  if (bound == NULL) {
    g_object_unref (sock);
    return FALSE;
  }
  self->socket = sock;
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  size_receive_buffer (self);
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) listener_client_unref);
  self->by_username = g_hash_table_new (g_str_hash, g_str_equal);
  self->n_clients = 0;
  self->new_per_source = g_hash_table_new_full (g_str_hash, g_str_equal,
      g_free, g_free);
  self->half_open = 0;
  self->cancel = g_cancellable_new ();
  self->thread = g_thread_new ("libp2plisten", socket_thread, self);
  return TRUE;
}

void
listener_socket_stop (GstLibp2pListener * self)
{
  if (self->thread == NULL)
    return;
  g_cancellable_cancel (self->cancel);
  g_thread_join (self->thread);
  self->thread = NULL;
  g_clear_object (&self->cancel);
}
