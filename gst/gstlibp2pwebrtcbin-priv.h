/* gst-libp2p: libp2pwebrtcbin's insides, shared by its two files
 *
 *   gstlibp2pwebrtcbin.c        what the connection reports, open-substream,
 *                               request pads, state changes, the type
 *   gstlibp2pwebrtcbin-props.c  properties (install, set, get, parsing) and
 *                               the signal table
 *
 * self->lock guards every field of the struct; it is never held while
 * calling into the connection, emitting a signal or posting a message.
 */
#ifndef __GST_LIBP2P_WEBRTC_BIN_PRIV_H__
#define __GST_LIBP2P_WEBRTC_BIN_PRIV_H__

#include "gstlibp2pwebrtcbin.h"
#include "gstlibp2pconnection.h"

#include "frame.h"
#include "identity.h"
#include "multiaddr.h"

G_BEGIN_DECLS

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
#define DEFAULT_IDENTIFY TRUE
#define DEFAULT_FREE_CLOSED_CHANNELS TRUE
/* identify's agentVersion (libp2p/specs identify: "name/version") */
#define DEFAULT_AGENT_VERSION "gst-libp2p/" VERSION
/* Sending waits while the channel holds more than this. */
#define DEFAULT_SEND_HIGH_WATER (1024 * 1024)
/* Bytes queued for one src pad before the substream is reset: litep2p
 * resets after 256 queued frames (MAX_INFLIGHT_MESSAGES, 256 x 16 KiB). */
#define DEFAULT_RECEIVE_QUEUE_SIZE (4 * 1024 * 1024)
/* under the keepalive's ping-timeout (10 s), so that a remote of ours
 * does not take a held connection for a lost one */
#define DEFAULT_RECEIVE_HOLD_TIMEOUT (8 * GST_SECOND)
/* WebRTC-direct: ICE + DTLS + SCTP + Noise.  libnice gives up on ICE after
 * ~30 s; js-libp2p's dial timeout is 10 s. */
#define DEFAULT_CONNECT_TIMEOUT (20 * GST_SECOND)
/* Keepalive: a silent remote is declared lost within interval + timeout
 * (15 s; rust-libp2p pings every 15 s with a 20 s timeout, js-libp2p's
 * connection monitor every 10 s). */
#define DEFAULT_KEEPALIVE GST_LIBP2P_KEEPALIVE_AUTO
#define DEFAULT_PING_INTERVAL (5 * GST_SECOND)
#define DEFAULT_PING_TIMEOUT (10 * GST_SECOND)
#define DEFAULT_ERROR_ON_DISCONNECT TRUE

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
  PROP_RECEIVE_HOLD_TIMEOUT,
  PROP_STATS,
  PROP_PEER_ADDRESS,
  PROP_PRIVATE_KEY,
  PROP_PEER_ID,
  PROP_REMOTE_PEER_ID,
  PROP_CONNECT_TIMEOUT,
  PROP_PING_RESPONDER,
  PROP_IDENTIFY,
  PROP_AGENT_VERSION,
  PROP_REMOTE_IDENTIFY,
  PROP_FREE_CLOSED_CHANNELS,
  PROP_KEEPALIVE,
  PROP_PING_INTERVAL,
  PROP_PING_TIMEOUT,
  PROP_ERROR_ON_DISCONNECT,
};

enum
{
  SIGNAL_OPEN_SUBSTREAM,
  SIGNAL_ACCEPT_PROTOCOL,
  SIGNAL_SUBSTREAM_OPENED,
  SIGNAL_SUBSTREAM_FAILED,
  SIGNAL_SUBSTREAM_CLOSED,
  SIGNAL_CONNECTION_CLOSED,
  LAST_SIGNAL,
};



extern guint gst_libp2p_webrtc_bin_signals[LAST_SIGNAL];

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
  gboolean identify;
  gboolean free_closed_channels;
  GstLibp2pKeepalive keepalive;
  GstClockTime ping_interval;
  GstClockTime ping_timeout;
  gboolean error_on_disconnect;
  gchar *agent_version;
  guint64 send_high_water;
  guint receive_queue_size;
  GstClockTime receive_hold_timeout;
  guint32 stream_id_base;       /* random: stream ids unique across elements */

  /* WebRTC-direct dialer (peer-address) */
  gchar *peer_address;          /* as set */
  gchar *address_error;         /* why peer-address is unusable */
  gchar *key_error;             /* why private-key is unusable */
  gboolean direct;              /* dial peer_address at start */
  Lp2pWebrtcDirectAddr addr;
  Lp2pIdentity *identity;       /* private-key, or generated on demand */
  gchar *remote_peer_id;
  GstStructure *remote_identify;        /* libp2p-identify, once it came */

  /* a client a listener accepted (gst_libp2p_webrtc_bin_accept) */
  gboolean accepted;
  gchar *accept_offer;
  gchar *accept_local;
  const struct _GstLibp2pAcceptFuncs *accept_funcs;
  gpointer accept_data;
};

/* What the listener that made an element for a client is told (the
 * connection's threads; gstlibp2plistener.c). */
typedef struct _GstLibp2pAcceptFuncs
{
  void (*connected) (gpointer data, GstLibp2pWebrtcBin * bin,
      const gchar * remote_peer_id);
  /* the connection ended (also when it never came up), or one of the
   * webrtcbin's elements failed before it did: may come more than once */
  void (*ended) (gpointer data, GstLibp2pWebrtcBin * bin,
      const GError * error);
} GstLibp2pAcceptFuncs;

/* Before the first start: the element serves the client at
 * @client_address (its multiaddr, for names and messages) as the
 * WebRTC-direct server, over the webrtcbin it was given (made around the
 * listener's ICE agent, with the listener's DTLS certificate).  @data is borrowed (the listener outlives its
 * elements). */
G_GNUC_INTERNAL void gst_libp2p_webrtc_bin_accept (GstLibp2pWebrtcBin * self,
    const gchar * client_address, const gchar * offer, const gchar * local,
    const GstLibp2pAcceptFuncs * funcs, gpointer data);

G_GNUC_INTERNAL GstLibp2pConnection *bin_get_connection (GstLibp2pWebrtcBin *
    self);
G_GNUC_INTERNAL Lp2pIdentity *bin_ensure_identity_locked (GstLibp2pWebrtcBin
    * self);
G_GNUC_INTERNAL gboolean bin_dial_on_request_locked (GstLibp2pWebrtcBin *
    self);
G_GNUC_INTERNAL void bin_set_webrtcbin (GstLibp2pWebrtcBin * self,
    GstElement * webrtc);

/* gstlibp2pwebrtcbin-props.c */
G_GNUC_INTERNAL void bin_install_properties (GObjectClass * klass);
G_GNUC_INTERNAL void bin_install_signals (GObjectClass * klass,
    GCallback open_substream);
G_GNUC_INTERNAL void bin_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
G_GNUC_INTERNAL void bin_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
G_GNUC_INTERNAL gboolean bin_request_name_ok (GstElement * element,
    const gchar * name, gchar ** key, gint * n);
G_GNUC_INTERNAL gboolean bin_parse_sink_name (const gchar * name,
    gchar ** key, gint * n);

G_END_DECLS

#endif
