/* gst-libp2p: libp2pwebrtcbin
 *
 * SECTION:element-libp2pwebrtcbin
 * @title: libp2pwebrtcbin
 *
 * One libp2p connection carried by a webrtcbin.  Every WebRTC data channel
 * but the reserved (negotiated) channel 0 is a libp2p substream, one the
 * remote announces with a reused id 0 too: each message on it is a
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
 * The element answers /ipfs/ping/1.0.0 (ping-responder) and /ipfs/id/1.0.0
 * (identify) itself unless protocols lists them, and once a WebRTC-direct
 * connection is authenticated it asks the remote's identify: the
 * libp2p-identify element message and the remote-identify property carry
 * the answer (docs/element.md).
 *
 * ## Example (gst-launch-1.0, WebRTC-direct)
 * |[
 * gst-launch-1.0 filesrc location=in ! p.sink_echo-1-0-0_0 \
 *   libp2pwebrtcbin name=p protocols=/echo/1.0.0 \
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

#include "gstlibp2pwebrtcbin-priv.h"
#include "gstlibp2putil.h"
#include "gstlibp2ppad.h"

#include "identity.h"
#include "mss.h"
#include "multiaddr.h"
#include "multibase.h"

#include <string.h>

GST_DEBUG_CATEGORY (gst_libp2p_webrtc_bin_debug);
#define GST_CAT_DEFAULT gst_libp2p_webrtc_bin_debug

G_DEFINE_QUARK (gst-libp2p-error-quark, gst_libp2p_error);


guint gst_libp2p_webrtc_bin_signals[LAST_SIGNAL];
#define signals gst_libp2p_webrtc_bin_signals

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink_%s",
    GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS_ANY);


#define gst_libp2p_webrtc_bin_parent_class parent_class
G_DEFINE_TYPE (GstLibp2pWebrtcBin, gst_libp2p_webrtc_bin, GST_TYPE_BIN);
GST_ELEMENT_REGISTER_DEFINE (libp2pwebrtcbin, "libp2pwebrtcbin",
    GST_RANK_NONE, GST_TYPE_LIBP2P_WEBRTC_BIN);

GstLibp2pConnection *
bin_get_connection (GstLibp2pWebrtcBin * self)
{
  GstLibp2pConnection *conn = NULL;

  g_mutex_lock (&self->lock);
  if (self->connection)
    conn = gst_libp2p_connection_ref (self->connection);
  g_mutex_unlock (&self->lock);
  return conn;
}

Lp2pIdentity *
bin_ensure_identity_locked (GstLibp2pWebrtcBin * self)
{
  if (self->identity == NULL)
    self->identity = lp2p_identity_new (NULL);
  return self->identity;
}

/* With peer-address a requested sink pad dials unless dial-on-request was
 * set FALSE: the element is the dialing side of that connection. */
gboolean
bin_dial_on_request_locked (GstLibp2pWebrtcBin * self)
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
  /* A requested sink pad whose substream ended while request_new_pad was
   * still dialing is not added yet: it is added then, unbound, and returns
   * the substream's end flow until released. */
  if (gst_object_has_as_parent (GST_OBJECT (pad), GST_OBJECT (owner)))
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
      (bin_ensure_identity_locked (self)));
  address = g_strdup (self->peer_address);
  g_mutex_unlock (&self->lock);
  g_object_notify (G_OBJECT (self), "remote-peer-id");
  if (self->accepted)
    self->accept_funcs->connected (self->accept_data, self, remote_peer_id);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self),
          gst_structure_new ("libp2p-connected", "peer-address",
              G_TYPE_STRING, address, "remote-peer-id", G_TYPE_STRING,
              remote_peer_id, "peer-id", G_TYPE_STRING, local, NULL)));
}

/* A connection that was up ended (every substream got its report first):
 * the connection-closed signal and the libp2p-connection-closed message,
 * once per connection. */
static void
report_closed (GstLibp2pWebrtcBin * self, const GError * error)
{
  g_autofree gchar *peer = NULL;
  g_autofree gchar *address = NULL;

  g_mutex_lock (&self->lock);
  peer = g_strdup (self->remote_peer_id);
  address = g_strdup (self->peer_address);
  g_mutex_unlock (&self->lock);
  GST_INFO_OBJECT (self, "connection closed: %s", error->message);
  g_signal_emit (self, signals[SIGNAL_CONNECTION_CLOSED], 0, peer, error);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self),
          gst_structure_new ("libp2p-connection-closed", "peer-id",
              G_TYPE_STRING, peer, "peer-address", G_TYPE_STRING, address,
              "error", G_TYPE_ERROR, error, NULL)));
}

/* The failure policy of a dialer: a WebRTC-direct dial that never came up
 * leaves the element nothing to do, so the pipeline gets an ERROR (a
 * gst-launch line exits with the reason), and so does one lost later
 * unless error-on-disconnect is FALSE.  A connection the application
 * signalled only reports its end. */
static void
owner_ended (gpointer owner, const GError * error, gboolean auth,
    gboolean was_connected)
{
  GstLibp2pWebrtcBin *self = owner;
  g_autofree gchar *address = NULL;
  g_autofree gchar *peer = NULL;
  gboolean direct, post;

  if (was_connected)
    report_closed (self, error);
  /* a listener's client: the listener drops this one connection */
  if (self->accepted) {
    self->accept_funcs->ended (self->accept_data, self, error);
    return;
  }
  g_mutex_lock (&self->lock);
  direct = self->direct;
  post = self->error_on_disconnect;
  address = g_strdup (self->peer_address);
  peer = g_strdup (self->remote_peer_id);
  g_mutex_unlock (&self->lock);
  if (!direct)
    return;
  if (was_connected) {
    if (post)
      GST_ELEMENT_ERROR (self, RESOURCE, READ, ("%s", error->message),
          ("WebRTC-direct connection to %s (%s)", peer, address));
    return;
  }
  if (auth)
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_AUTHORIZED, ("%s",
            error->message), ("WebRTC-direct dial of %s", address));
  else
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ_WRITE, ("%s",
            error->message), ("WebRTC-direct dial of %s", address));
}

/* The remote's identify: kept for remote-identify and posted as the
 * libp2p-identify element message (with an error field when it failed). */
static void
owner_identified (gpointer owner, GstStructure * info, const GError * error)
{
  GstLibp2pWebrtcBin *self = owner;
  GstStructure *msg;

  if (info) {
    msg = gst_structure_copy (info);
    g_mutex_lock (&self->lock);
    if (self->remote_identify)
      gst_structure_free (self->remote_identify);
    self->remote_identify = info;
    g_mutex_unlock (&self->lock);
    g_object_notify (G_OBJECT (self), "remote-identify");
  } else {
    g_autofree gchar *peer = NULL;

    g_mutex_lock (&self->lock);
    peer = g_strdup (self->remote_peer_id);
    g_mutex_unlock (&self->lock);
    GST_WARNING_OBJECT (self, "%s", error->message);
    msg = gst_structure_new ("libp2p-identify", "peer-id", G_TYPE_STRING,
        peer, "error", G_TYPE_ERROR, error, NULL);
  }
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), msg));
}

static const GstLibp2pConnectionOwner owner_funcs = {
  owner_accept_protocol, owner_add_pad, owner_remove_pad, owner_substream,
  owner_connected, owner_ended, owner_identified
};

void
gst_libp2p_webrtc_bin_accept (GstLibp2pWebrtcBin * self,
    const gchar * client_address, const gchar * offer, const gchar * local,
    const GstLibp2pAcceptFuncs * funcs, gpointer data)
{
  g_mutex_lock (&self->lock);
  self->accepted = TRUE;
  g_free (self->peer_address);
  self->peer_address = g_strdup (client_address);
  self->accept_offer = g_strdup (offer);
  self->accept_local = g_strdup (local);
  self->accept_funcs = funcs;
  self->accept_data = data;
  g_mutex_unlock (&self->lock);
}

/* ---- action signal ---- */

static guint
gst_libp2p_webrtc_bin_open_substream (GstLibp2pWebrtcBin * self,
    const gchar * protocol, const gchar * const *fallbacks)
{
  g_autoptr (GstLibp2pConnection) conn = bin_get_connection (self);
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
    GstPad * pad, const gchar * key, gint n)
{
  g_autofree gchar *dial = NULL;
  gboolean dialing;

  g_mutex_lock (&self->lock);
  dialing = bin_dial_on_request_locked (self);
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
  g_autoptr (GstLibp2pConnection) conn = bin_get_connection (self);
  g_autofree gchar *key = NULL;
  GstLibp2pSinkBind bind;
  GstPad *pad;
  gint n;

  if (!bin_request_name_ok (element, name, &key, &n))
    return NULL;
  pad = gst_libp2p_connection_new_sink_pad (templ, name);
  bind = give_sink_pad (self, conn, pad, key, n);
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
  GstLibp2pConnection *conn = gst_libp2p_connection_of_pad (lpad);

  if (conn) {
    gst_libp2p_connection_remove_sink_pad (conn, lpad);
    gst_libp2p_connection_unref (conn);
  }
  gst_element_remove_pad (element, pad);
}

/* ---- the webrtcbin ---- */

void
bin_set_webrtcbin (GstLibp2pWebrtcBin * self, GstElement * webrtc)
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


/* ---- states ---- */

/* The connection's copy of the settings. */
static void
make_settings_locked (GstLibp2pWebrtcBin * self,
    GstLibp2pConnectionSettings * s)
{
  memset (s, 0, sizeof (*s));
  s->role = self->accepted ? GST_LIBP2P_CONNECTION_ACCEPTED : self->direct ?
      GST_LIBP2P_CONNECTION_DIAL : GST_LIBP2P_CONNECTION_SIGNALLED;
  s->accept_offer = self->accept_offer;
  s->accept_local = self->accept_local;
  s->protocols = self->protocols;
  s->negotiation_timeout = self->negotiation_timeout;
  s->fin_ack_timeout = self->fin_ack_timeout;
  s->connect_timeout = self->connect_timeout;
  s->max_frame_size = self->max_frame_size;
  s->lazy = self->lazy;
  s->ping_responder = self->ping_responder;
  s->identify = self->identify;
  if (self->keepalive == GST_LIBP2P_KEEPALIVE_ON ||
      (self->keepalive == GST_LIBP2P_KEEPALIVE_AUTO && (self->direct ||
              self->accepted)))
    s->ping_interval = self->ping_interval;
  s->ping_timeout = self->ping_timeout;
  s->free_closed_channels = self->free_closed_channels;
  s->agent_version = self->agent_version;
  s->send_high_water = self->send_high_water;
  s->receive_queue_size = self->receive_queue_size;
  s->receive_hold_timeout = self->receive_hold_timeout;
  s->stream_id_base = self->stream_id_base;
  s->last_substream_id = self->last_substream_id;
  s->peer_address = self->peer_address;
  s->addr = self->addr;
  /* private-key cannot change while a connection runs */
  s->identity = bin_ensure_identity_locked (self);
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
    g_autofree gchar *key = NULL;
    gint n;

    /* request_new_pad took only names that parse */
    if (!bin_parse_sink_name (GST_PAD_NAME (l->data), &key, &n) ||
        give_sink_pad (self, conn, l->data, key, n) != GST_LIBP2P_SINK_BIND_OK)
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
  g_clear_pointer (&self->remote_identify, gst_structure_free);
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

/* @was_up: the connection was up when the stop began; its end is reported
 * once its substreams are. */
static void
stop (GstLibp2pWebrtcBin * self, gboolean was_up)
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
  if (was_up) {
    g_autoptr (GError) err = gst_libp2p_error_new (GST_LIBP2P_ERROR_STOPPED,
        "the element stopped: the connection is closed");

    report_closed (self, err);
  }
}

/* An ERROR of one of webrtcbin's elements once the connection was up (say
 * sctpenc's "Could not write to resource" when the remote went away) is
 * the connection's end, not the pipeline's: it becomes the connection's
 * report (libp2p-connection-closed; for a WebRTC-direct dial also the
 * element's ERROR, unless error-on-disconnect is FALSE).  Before the
 * connection is up it goes on to the application as it is. */
static void
gst_libp2p_webrtc_bin_handle_message (GstBin * bin, GstMessage * msg)
{
  GstLibp2pWebrtcBin *self = GST_LIBP2P_WEBRTC_BIN (bin);

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR && self->webrtcbin &&
      GST_MESSAGE_SRC (msg) && (GST_MESSAGE_SRC (msg) ==
          GST_OBJECT (self->webrtcbin) ||
          gst_object_has_as_ancestor (GST_MESSAGE_SRC (msg),
              GST_OBJECT (self->webrtcbin)))) {
    g_autoptr (GstLibp2pConnection) conn = bin_get_connection (self);
    g_autoptr (GError) err = NULL;
    g_autofree gchar *dbg = NULL;
    g_autofree gchar *cause = NULL;

    gst_message_parse_error (msg, &err, &dbg);
    cause = g_strdup_printf ("%s: %s", GST_MESSAGE_SRC_NAME (msg),
        err->message);
    if (conn && gst_libp2p_connection_fail (conn, cause)) {
      GST_INFO_OBJECT (self, "absorbed %s (%s)", cause, dbg);
      gst_libp2p_clear_error_marks (GST_OBJECT (self), GST_MESSAGE_SRC (msg));
      gst_message_unref (msg);
      return;
    }
    if (self->accepted) {
      /* before it came up: the listener drops this client */
      GST_INFO_OBJECT (self, "%s before the handshake ended (%s)", cause,
          dbg);
      gst_libp2p_clear_error_marks (GST_OBJECT (self), GST_MESSAGE_SRC (msg));
      self->accept_funcs->ended (self->accept_data, self, err);
      gst_message_unref (msg);
      return;
    }
  }
  GST_BIN_CLASS (parent_class)->handle_message (bin, msg);
}

static GstStateChangeReturn
gst_libp2p_webrtc_bin_change_state (GstElement * element,
    GstStateChange transition)
{
  GstLibp2pWebrtcBin *self = GST_LIBP2P_WEBRTC_BIN (element);
  GstStateChangeReturn ret;
  gboolean was_up = FALSE;

  if (transition == GST_STATE_CHANGE_NULL_TO_READY && self->webrtcbin == NULL) {
    GST_ELEMENT_ERROR (self, CORE, MISSING_PLUGIN,
        ("webrtcbin is missing (gst-plugins-bad's webrtc plugin)"), (NULL));
    return GST_STATE_CHANGE_FAILURE;
  }
  if (transition == GST_STATE_CHANGE_PLAYING_TO_PAUSED &&
      gst_libp2p_going_down (element)) {
    g_autoptr (GstLibp2pConnection) conn = bin_get_connection (self);

    /* the last moment the webrtcbin still sends (PLAYING) */
    if (conn)
      gst_libp2p_connection_abort (conn);
  }
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
    g_autoptr (GstLibp2pConnection) conn = bin_get_connection (self);

    if (conn)
      was_up = gst_libp2p_connection_begin_stop (conn);
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  /* a same-state change only reports a state return: webrtcbin's FAILURE
   * mark of an ERROR posted meanwhile (gst_libp2p_clear_error_marks) */
  if (ret == GST_STATE_CHANGE_FAILURE && self->webrtcbin &&
      GST_STATE_TRANSITION_CURRENT (transition) ==
      GST_STATE_TRANSITION_NEXT (transition) &&
      GST_STATE (self->webrtcbin) == GST_STATE_TRANSITION_NEXT (transition))
    ret = GST_STATE_CHANGE_SUCCESS;
  if (ret == GST_STATE_CHANGE_FAILURE)
    return ret;

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (!start (self))
        return GST_STATE_CHANGE_FAILURE;
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      stop (self, was_up);
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
  g_free (self->agent_version);
  g_free (self->accept_offer);
  g_free (self->accept_local);
  if (self->remote_identify)
    gst_structure_free (self->remote_identify);
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

  gobject_class->set_property = bin_set_property;
  gobject_class->get_property = bin_get_property;
  gobject_class->dispose = gst_libp2p_webrtc_bin_dispose;
  gobject_class->finalize = gst_libp2p_webrtc_bin_finalize;
  element_class->change_state = gst_libp2p_webrtc_bin_change_state;
  element_class->request_new_pad = gst_libp2p_webrtc_bin_request_new_pad;
  element_class->release_pad = gst_libp2p_webrtc_bin_release_pad;
  GST_BIN_CLASS (klass)->handle_message = gst_libp2p_webrtc_bin_handle_message;

  bin_install_properties (gobject_class);
  bin_install_signals (gobject_class,
      G_CALLBACK (gst_libp2p_webrtc_bin_open_substream));
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
      "protocols=/echo/1.0.0 "
      "peer-address=/ip4/.../udp/.../webrtc-direct/certhash/.../p2p/...  "
      "p.src_echo-1-0-0_0 ! filesink location=out",
      "gst-libp2p developers");
  gst_type_mark_as_plugin_api (GST_TYPE_LIBP2P_PAD, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_LIBP2P_DIRECTION, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_LIBP2P_KEEPALIVE, 0);
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
  self->identify = DEFAULT_IDENTIFY;
  self->keepalive = DEFAULT_KEEPALIVE;
  self->ping_interval = DEFAULT_PING_INTERVAL;
  self->ping_timeout = DEFAULT_PING_TIMEOUT;
  self->error_on_disconnect = DEFAULT_ERROR_ON_DISCONNECT;
  self->free_closed_channels = DEFAULT_FREE_CLOSED_CHANNELS;
  self->agent_version = g_strdup (DEFAULT_AGENT_VERSION);
  self->send_high_water = DEFAULT_SEND_HIGH_WATER;
  self->receive_queue_size = DEFAULT_RECEIVE_QUEUE_SIZE;
  self->receive_hold_timeout = DEFAULT_RECEIVE_HOLD_TIMEOUT;
  self->connect_timeout = DEFAULT_CONNECT_TIMEOUT;
  self->stream_id_base = g_random_int ();

  webrtc = gst_element_factory_make ("webrtcbin", "webrtcbin");
  if (webrtc)
    bin_set_webrtcbin (self, webrtc);
}
