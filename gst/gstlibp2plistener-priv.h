/* gst-libp2p: libp2plistener's insides, shared by its two files
 *
 *   gstlibp2plistener.c    the element: properties, signals, states, the
 *                          multiaddrs, a client's removal
 *   gstlibp2plistensocket.c  the UDP socket and its thread: STUN (libnice's
 *                          STUN library), the clients table, the bounds,
 *                          a new client's libp2pwebrtcbin
 *
 * self->lock guards the fields below it and every client's fields but the
 * constant ones; never held while emitting a signal, changing a child's
 * state or calling into a child.
 */
#ifndef __GST_LIBP2P_LISTENER_PRIV_H__
#define __GST_LIBP2P_LISTENER_PRIV_H__

#include "gstlibp2plistener.h"
#include "gstlibp2pwebrtcbin-priv.h"

#include <gio/gio.h>

#include "identity.h"
#include "listen.h"

G_BEGIN_DECLS

#define DEFAULT_LISTEN_ADDRESS "/ip4/127.0.0.1/udp/0/webrtc-direct"
#define DEFAULT_MAX_CONNECTIONS 64
#define DEFAULT_MAX_HALF_OPEN 32
#define DEFAULT_MAX_NEW_PER_SOURCE 8
#define DEFAULT_HANDSHAKE_TIMEOUT (10 * GST_SECOND)
/* RFC 7675: consent expires 30 s after the last check that succeeded */
#define DEFAULT_CONSENT_TIMEOUT (30 * GST_SECOND)
#define DEFAULT_RECEIVE_BUFFER (4 * 1024 * 1024)
/* a browser checks from each of its host candidates (go-libp2p keeps 32) */
#define DEFAULT_MAX_ADDRESSES 8

/* Where a client's ICE agent sends: the address it chose last (RFC 8445
 * §7.3.1.5: the pair of the latest USE-CANDIDATE request). Shared by the
 * client and its agent, which webrtcbin may keep past the removal. */
typedef struct _GstLibp2pDest GstLibp2pDest;

/* One client: from its first valid Binding Request to its removal. */
typedef struct
{
  gint ref;
  /* constant */
  GSocketAddress *address;      /* the first source address */
  gchar *multiaddr;             /* /ip4/<host>/udp/<port>/webrtc-direct */
  gchar *local;                 /* our ICE ufrag = password */
  gchar *username;              /* the USERNAME its requests carry */
  GstObject *ice;               /* the GstLibp2pIce */
  GstElement *bin;              /* its libp2pwebrtcbin */
  GstLibp2pDest *dest;
  /* self->lock */
  GPtrArray *keys;              /* "<host> <port>" of each source address,
                                 * the first first: its keys in clients */
  gint64 last_check;            /* monotonic us of the last valid request */
  gboolean authenticated;       /* Noise done */
  gboolean removing;
} GstLibp2pClient;

struct _GstLibp2pListener
{
  GstBin parent;

  GMutex lock;
  /* properties */
  gchar *listen_address;
  Lp2pListenAddr addr;
  gchar *address_error;
  gchar *private_key;           /* base64, as the children take it */
  Lp2pIdentity *identity;
  gchar *key_error;
  gchar *certificate;           /* PEM; generated at the first start */
  gchar *certificate_error;
  gchar *protocols;
  guint max_connections;
  guint max_half_open;
  guint max_new_per_source;
  GstClockTime handshake_timeout;
  GstClockTime consent_timeout;
  guint receive_buffer;

  /* running (PAUSED, PLAYING) */
  GSocket *socket;
  guint16 port;
  gchar **multiaddrs;
  GThread *thread;
  GCancellable *cancel;
  GHashTable *clients;          /* source address key -> GstLibp2pClient
                                 * (a reference per key) */
  GHashTable *by_username;      /* USERNAME -> GstLibp2pClient */
  guint n_clients;
  guint half_open;
  guint max_addresses;
  GHashTable *new_per_source;   /* host -> its new clients this second */
  guint next_client;            /* names children */
  guint64 refused;              /* over a bound */
  guint64 dropped;              /* datagrams from nobody we know, bad STUN */

  /* the listener's own pads (gstlibp2plistenpads.c) */
  GHashTable *key_next;         /* key -> the next substream number */
  GHashTable *exposed;          /* sink_<key>_<n> -> the client's substream */
  GList *waiting_sinks;         /* requested sink pads not bound yet */
};

enum
{
  LSIGNAL_CONNECTION_ADDED,
  LSIGNAL_CONNECTION_READY,
  LSIGNAL_CONNECTION_REMOVED,
  LSIGNAL_LAST,
};
extern guint gst_libp2p_listener_signals[LSIGNAL_LAST];

G_GNUC_INTERNAL GstLibp2pClient *listener_client_ref (GstLibp2pClient * c);
/* Takes @c out of the tables; the references of its keys but one are
 * dropped, that one is returned to the caller. */
G_GNUC_INTERNAL void listener_client_take_locked (GstLibp2pListener * self,
    GstLibp2pClient * c);
G_GNUC_INTERNAL void listener_client_unref (GstLibp2pClient * c);
/* A client's connection ended or must go (any thread): it is taken out of
 * the table at once and its element stopped and removed from the
 * listener's thread pool (gst_element_call_async); once only. */
G_GNUC_INTERNAL void listener_remove_client (GstLibp2pListener * self,
    GstLibp2pClient * c, const GError * error);

/* gstlibp2plistensocket.c: bind and start the thread; stop it. */
G_GNUC_INTERNAL gboolean listener_socket_start (GstLibp2pListener * self,
    GError ** error);
G_GNUC_INTERNAL void listener_socket_stop (GstLibp2pListener * self);
extern const GstLibp2pAcceptFuncs gst_libp2p_listener_accept_funcs;

/* gstlibp2plistenpads.c: the listener's src_<key>_<n> and
 * sink_<key>_<n> pads, every client's substreams numbered listener-wide */
G_GNUC_INTERNAL void listener_pads_class_init (GstElementClass * klass);
G_GNUC_INTERNAL void listener_pads_init (GstLibp2pListener * self);
G_GNUC_INTERNAL void listener_pads_finalize (GstLibp2pListener * self);
/* a new client, before connection-added */
G_GNUC_INTERNAL void listener_pads_watch (GstLibp2pListener * self,
    GstElement * child);
/* a client stopped: its pads still on the listener go */
G_GNUC_INTERNAL void listener_pads_client_gone (GstLibp2pListener * self,
    GstElement * child);

G_END_DECLS

#endif
