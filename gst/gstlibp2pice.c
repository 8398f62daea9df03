/* gst-libp2p: the ICE agent of one accepted WebRTC-direct client (see
 * gstlibp2pice.h)
 *
 * Three GObject types, as GStreamer's WebRTC library wants them:
 *   GstLibp2pIce           the GstWebRTCICE: one per webrtcbin (webrtcbin
 *                          takes our reference and drops it in finalize);
 *   GstLibp2pIceStream     the GstWebRTCICEStream of a session (BUNDLE: one);
 *   GstLibp2pIceTransport  its RTP component: src = appsrc fed by
 *                          gst_libp2p_ice_receive(), sink = appsink whose
 *                          buffers go to the send function.
 * The agent and its transports share an IceLink (refcounted), so a late
 * buffer on the appsink's thread never reaches a freed listener client.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlibp2pice.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/webrtc/ice.h>
#include <gst/webrtc/icestream.h>
#include <gst/webrtc/icetransport.h>

GST_DEBUG_CATEGORY_STATIC (gst_libp2p_ice_debug);
#define GST_CAT_DEFAULT gst_libp2p_ice_debug

#define EARLY_MAX 64
/* what the appsrc holds before it drops (SCTP retransmits) */
#define SRC_MAX_BYTES (4 * 1024 * 1024)

typedef struct
{
  gint ref;
  GMutex lock;
  GstLibp2pIceSendFunc send;    /* NULL once detached */
  gpointer data;
  GDestroyNotify destroy;
} IceLink;

static IceLink *
link_ref (IceLink * l)
{
  g_atomic_int_inc (&l->ref);
  return l;
}

static void
link_unref (IceLink * l)
{
  if (!g_atomic_int_dec_and_test (&l->ref))
    return;
  if (l->destroy)
    l->destroy (l->data);
  g_mutex_clear (&l->lock);
  g_free (l);
}

/* ---- the transport ---- */

#define GST_TYPE_LIBP2P_ICE_TRANSPORT (gst_libp2p_ice_transport_get_type ())
G_DECLARE_FINAL_TYPE (GstLibp2pIceTransport, gst_libp2p_ice_transport,
    GST, LIBP2P_ICE_TRANSPORT, GstWebRTCICETransport);

struct _GstLibp2pIceTransport
{
  GstWebRTCICETransport parent;
  IceLink *link;
};

G_DEFINE_TYPE (GstLibp2pIceTransport, gst_libp2p_ice_transport,
    GST_TYPE_WEBRTC_ICE_TRANSPORT);

static GstFlowReturn
transport_new_sample (GstAppSink * sink, gpointer user_data)
{
  IceLink *l = user_data;
  GstSample *sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buf;

  if (sample == NULL)
    return GST_FLOW_FLUSHING;
  buf = gst_sample_get_buffer (sample);
  g_mutex_lock (&l->lock);
  if (l->send && buf)
    l->send (l->data, buf);
  g_mutex_unlock (&l->lock);
  gst_sample_unref (sample);
  return GST_FLOW_OK;
}

static void
gst_libp2p_ice_transport_constructed (GObject * object)
{
  GstWebRTCICETransport *t = GST_WEBRTC_ICE_TRANSPORT (object);

  G_OBJECT_CLASS (gst_libp2p_ice_transport_parent_class)->constructed
      (object);
  t->role = GST_WEBRTC_ICE_ROLE_CONTROLLED;
  /* webrtcbin builds its transport bins as soon as find_transport
   * returns: both elements exist from here (listener-notes.md) */
  t->src = gst_element_factory_make ("appsrc", NULL);
  t->sink = gst_element_factory_make ("appsink", NULL);
  g_assert (t->src && t->sink);
  gst_object_ref_sink (t->src);
  gst_object_ref_sink (t->sink);
  g_object_set (t->src, "is-live", TRUE, "format", GST_FORMAT_TIME,
      "max-bytes", (guint64) SRC_MAX_BYTES, "leaky-type", 2 /* downstream */ ,
      NULL);
  g_object_set (t->sink, "sync", FALSE, "async", FALSE, "enable-last-sample",
      FALSE, NULL);
}

static void
transport_attach (GstLibp2pIceTransport * self, IceLink * l)
{
  GstAppSinkCallbacks cb = { NULL, NULL, transport_new_sample };

  self->link = link_ref (l);
  gst_app_sink_set_callbacks (GST_APP_SINK (self->parent.sink), &cb,
      link_ref (l), (GDestroyNotify) link_unref);
}

static void
gst_libp2p_ice_transport_finalize (GObject * object)
{
  GstLibp2pIceTransport *self = GST_LIBP2P_ICE_TRANSPORT (object);

  gst_clear_object (&self->parent.src);
  gst_clear_object (&self->parent.sink);
  if (self->link)
    link_unref (self->link);
  G_OBJECT_CLASS (gst_libp2p_ice_transport_parent_class)->finalize (object);
}

static gboolean
transport_gather (GstWebRTCICETransport * t)
{
  return TRUE;
}

static void
gst_libp2p_ice_transport_class_init (GstLibp2pIceTransportClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->constructed = gst_libp2p_ice_transport_constructed;
  gobject_class->finalize = gst_libp2p_ice_transport_finalize;
  GST_WEBRTC_ICE_TRANSPORT_CLASS (klass)->gather_candidates =
      transport_gather;
}

static void
gst_libp2p_ice_transport_init (GstLibp2pIceTransport * self)
{
}

/* ---- the stream ---- */

#define GST_TYPE_LIBP2P_ICE_STREAM (gst_libp2p_ice_stream_get_type ())
G_DECLARE_FINAL_TYPE (GstLibp2pIceStream, gst_libp2p_ice_stream,
    GST, LIBP2P_ICE_STREAM, GstWebRTCICEStream);

struct _GstLibp2pIceStream
{
  GstWebRTCICEStream parent;
  GstWebRTCICETransport *transport;     /* the RTP component */
};

G_DEFINE_TYPE (GstLibp2pIceStream, gst_libp2p_ice_stream,
    GST_TYPE_WEBRTC_ICE_STREAM);

static GstWebRTCICETransport *
stream_find_transport (GstWebRTCICEStream * stream,
    GstWebRTCICEComponent component)
{
  GstLibp2pIceStream *self = GST_LIBP2P_ICE_STREAM (stream);

  /* rtcp-mux: webrtcbin asks for the RTP component only */
  if (component != GST_WEBRTC_ICE_COMPONENT_RTP || self->transport == NULL)
    return NULL;
  return gst_object_ref (self->transport);
}

static gboolean
stream_gather (GstWebRTCICEStream * stream)
{
  return TRUE;
}

static void
gst_libp2p_ice_stream_finalize (GObject * object)
{
  GstLibp2pIceStream *self = GST_LIBP2P_ICE_STREAM (object);

  gst_clear_object (&self->transport);
  G_OBJECT_CLASS (gst_libp2p_ice_stream_parent_class)->finalize (object);
}

static void
gst_libp2p_ice_stream_class_init (GstLibp2pIceStreamClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = gst_libp2p_ice_stream_finalize;
  GST_WEBRTC_ICE_STREAM_CLASS (klass)->find_transport = stream_find_transport;
  GST_WEBRTC_ICE_STREAM_CLASS (klass)->gather_candidates = stream_gather;
}

static void
gst_libp2p_ice_stream_init (GstLibp2pIceStream * self)
{
}

/* ---- the agent ---- */

#define GST_TYPE_LIBP2P_ICE (gst_libp2p_ice_get_type ())
G_DECLARE_FINAL_TYPE (GstLibp2pIce, gst_libp2p_ice, GST, LIBP2P_ICE,
    GstWebRTCICE);

struct _GstLibp2pIce
{
  GstWebRTCICE parent;

  GMutex lock;                  /* the fields below */
  IceLink *link;
  GPtrArray *streams;           /* GstLibp2pIceStream, owned */
  GstElement *src;              /* the first stream's appsrc (a ref) */
  GQueue early;                 /* datagrams before the transport */
  GstWebRTCICETransport *transport;     /* the first (a ref) */
  gboolean connected;
  gboolean failed;
  /* the local description is applied: webrtcbin watches the transport's
   * state from here on, so CONNECTED is announced only now */
  gboolean ready;
  gint announced;               /* 0, 1 CONNECTED, 2 FAILED */
  gboolean flushing;            /* the early datagrams are being pushed */
  gboolean controller;
  gchar *stun_server;
  gchar *turn_server;
  gchar *http_proxy;
  GstWebRTCICEOnCandidateFunc on_candidate;
  gpointer on_candidate_data;
  GDestroyNotify on_candidate_notify;
};

G_DEFINE_TYPE (GstLibp2pIce, gst_libp2p_ice, GST_TYPE_WEBRTC_ICE);

static void
ice_announce (GstWebRTCICETransport * t, GstWebRTCICEConnectionState state)
{
  if (t)
    gst_webrtc_ice_transport_connection_state_change (t, state);
}

static GstWebRTCICEStream *
ice_add_stream (GstWebRTCICE * ice, guint session_id)
{
  GstLibp2pIce *self = GST_LIBP2P_ICE (ice);
  GstLibp2pIceStream *s;
  GstLibp2pIceTransport *t;
  gboolean first;

  s = g_object_new (GST_TYPE_LIBP2P_ICE_STREAM, "stream-id", session_id,
      NULL);
  gst_object_ref_sink (s);
  t = g_object_new (GST_TYPE_LIBP2P_ICE_TRANSPORT, "component",
      GST_WEBRTC_ICE_COMPONENT_RTP, NULL);
  gst_object_ref_sink (t);
  transport_attach (t, self->link);
  s->transport = GST_WEBRTC_ICE_TRANSPORT (t);

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->streams, s);
  first = self->src == NULL;
  if (first) {
    self->src = gst_object_ref (s->transport->src);
    self->transport = gst_object_ref (s->transport);
  }
  g_mutex_unlock (&self->lock);
  GST_DEBUG_OBJECT (self, "stream for session %u%s", session_id,
      first ? " (carries the client)" : "");
  return GST_WEBRTC_ICE_STREAM (s);
}

static GstWebRTCICETransport *
ice_find_transport (GstWebRTCICE * ice, GstWebRTCICEStream * stream,
    GstWebRTCICEComponent component)
{
  return gst_webrtc_ice_stream_find_transport (stream, component);
}

static gboolean
ice_gather (GstWebRTCICE * ice, GstWebRTCICEStream * stream)
{
  /* a lite agent behind a shared socket: the client has our address from
   * the multiaddr, nothing to gather */
  return TRUE;
}

static void
ice_add_candidate (GstWebRTCICE * ice, GstWebRTCICEStream * stream,
    const gchar * candidate)
{
  /* ICE-lite: the client's checks tell us its address */
}

static void ice_update (GstLibp2pIce * self);

static gboolean
ice_set_remote_credentials (GstWebRTCICE * ice, GstWebRTCICEStream * stream,
    const gchar * ufrag, const gchar * pwd)
{
  /* the listener checks STUN with the credentials it derived itself */
  return TRUE;
}

static gboolean
ice_set_local_credentials (GstWebRTCICE * ice, GstWebRTCICEStream * stream,
    const gchar * ufrag, const gchar * pwd)
{
  GstLibp2pIce *self = GST_LIBP2P_ICE (ice);

  g_mutex_lock (&self->lock);
  self->ready = TRUE;
  g_mutex_unlock (&self->lock);
  ice_update (self);
  return TRUE;
}

static gboolean
ice_add_turn_server (GstWebRTCICE * ice, const gchar * uri)
{
  return FALSE;
}

static void
ice_set_is_controller (GstWebRTCICE * ice, gboolean controller)
{
  GstLibp2pIce *self = GST_LIBP2P_ICE (ice);

  g_mutex_lock (&self->lock);
  self->controller = controller;
  g_mutex_unlock (&self->lock);
}

static gboolean
ice_get_is_controller (GstWebRTCICE * ice)
{
  GstLibp2pIce *self = GST_LIBP2P_ICE (ice);
  gboolean c;

  g_mutex_lock (&self->lock);
  c = self->controller;
  g_mutex_unlock (&self->lock);
  return c;
}

static void
ice_set_force_relay (GstWebRTCICE * ice, gboolean force)
{
}

static void
ice_set_tos (GstWebRTCICE * ice, GstWebRTCICEStream * stream, guint tos)
{
}

/* The string settings (STUN, TURN, proxy): stored, read back, unused. */
static void
ice_store (GstLibp2pIce * self, gchar ** field, const gchar * value)
{
  g_mutex_lock (&self->lock);
  g_free (*field);
  *field = g_strdup (value);
  g_mutex_unlock (&self->lock);
}

static gchar *
ice_load (GstLibp2pIce * self, gchar ** field)
{
  gchar *v;

  g_mutex_lock (&self->lock);
  v = g_strdup (*field);
  g_mutex_unlock (&self->lock);
  return v;
}

static void
ice_set_stun_server (GstWebRTCICE * ice, const gchar * uri)
{
  ice_store (GST_LIBP2P_ICE (ice), &GST_LIBP2P_ICE (ice)->stun_server, uri);
}

static gchar *
ice_get_stun_server (GstWebRTCICE * ice)
{
  return ice_load (GST_LIBP2P_ICE (ice), &GST_LIBP2P_ICE (ice)->stun_server);
}

static void
ice_set_turn_server (GstWebRTCICE * ice, const gchar * uri)
{
  ice_store (GST_LIBP2P_ICE (ice), &GST_LIBP2P_ICE (ice)->turn_server, uri);
}

static gchar *
ice_get_turn_server (GstWebRTCICE * ice)
{
  return ice_load (GST_LIBP2P_ICE (ice), &GST_LIBP2P_ICE (ice)->turn_server);
}

static void
ice_set_http_proxy (GstWebRTCICE * ice, const gchar * uri)
{
  ice_store (GST_LIBP2P_ICE (ice), &GST_LIBP2P_ICE (ice)->http_proxy, uri);
}

static gchar *
ice_get_http_proxy (GstWebRTCICE * ice)
{
  return ice_load (GST_LIBP2P_ICE (ice), &GST_LIBP2P_ICE (ice)->http_proxy);
}

static void
ice_set_on_candidate (GstWebRTCICE * ice, GstWebRTCICEOnCandidateFunc func,
    gpointer data, GDestroyNotify notify)
{
  GstLibp2pIce *self = GST_LIBP2P_ICE (ice);
  GDestroyNotify old_notify;
  gpointer old_data;

  g_mutex_lock (&self->lock);
  old_notify = self->on_candidate_notify;
  old_data = self->on_candidate_data;
  self->on_candidate = func;
  self->on_candidate_data = data;
  self->on_candidate_notify = notify;
  g_mutex_unlock (&self->lock);
  if (old_notify)
    old_notify (old_data);
}

static GstWebRTCICECandidateStats **
ice_get_candidates (GstWebRTCICE * ice, GstWebRTCICEStream * stream)
{
  return g_new0 (GstWebRTCICECandidateStats *, 1);
}

static gboolean
ice_get_selected_pair (GstWebRTCICE * ice, GstWebRTCICEStream * stream,
    GstWebRTCICECandidateStats ** local, GstWebRTCICECandidateStats ** remote)
{
  return FALSE;
}

static void
gst_libp2p_ice_finalize (GObject * object)
{
  GstLibp2pIce *self = GST_LIBP2P_ICE (object);

  g_queue_clear_full (&self->early, (GDestroyNotify) gst_buffer_unref);
  g_ptr_array_unref (self->streams);
  gst_clear_object (&self->src);
  gst_clear_object (&self->transport);
  if (self->on_candidate_notify)
    self->on_candidate_notify (self->on_candidate_data);
  g_free (self->stun_server);
  g_free (self->turn_server);
  g_free (self->http_proxy);
  if (self->link)
    link_unref (self->link);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (gst_libp2p_ice_parent_class)->finalize (object);
}

static void
gst_libp2p_ice_class_init (GstLibp2pIceClass * klass)
{
  GstWebRTCICEClass *ice = GST_WEBRTC_ICE_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = gst_libp2p_ice_finalize;
  ice->add_stream = ice_add_stream;
  ice->find_transport = ice_find_transport;
  ice->gather_candidates = ice_gather;
  ice->add_candidate = ice_add_candidate;
  ice->set_local_credentials = ice_set_local_credentials;
  ice->set_remote_credentials = ice_set_remote_credentials;
  ice->add_turn_server = ice_add_turn_server;
  ice->set_is_controller = ice_set_is_controller;
  ice->get_is_controller = ice_get_is_controller;
  ice->set_force_relay = ice_set_force_relay;
  ice->set_stun_server = ice_set_stun_server;
  ice->get_stun_server = ice_get_stun_server;
  ice->set_turn_server = ice_set_turn_server;
  ice->get_turn_server = ice_get_turn_server;
  ice->set_http_proxy = ice_set_http_proxy;
  ice->get_http_proxy = ice_get_http_proxy;
  ice->set_tos = ice_set_tos;
  ice->set_on_ice_candidate = ice_set_on_candidate;
  ice->get_local_candidates = ice_get_candidates;
  ice->get_remote_candidates = ice_get_candidates;
  ice->get_selected_pair = ice_get_selected_pair;
  GST_DEBUG_CATEGORY_INIT (gst_libp2p_ice_debug, "libp2pice", 0,
      "libp2p: the ICE-lite agent of an accepted WebRTC-direct client");
}

static void
gst_libp2p_ice_init (GstLibp2pIce * self)
{
  g_mutex_init (&self->lock);
  self->streams = g_ptr_array_new_with_free_func (gst_object_unref);
  g_queue_init (&self->early);
}

/* ---- the listener's side ---- */

GstObject *
gst_libp2p_ice_new (GstLibp2pIceSendFunc send, gpointer data,
    GDestroyNotify destroy)
{
  GstLibp2pIce *self = g_object_new (GST_TYPE_LIBP2P_ICE, NULL);
  IceLink *l = g_new0 (IceLink, 1);

  gst_object_ref_sink (self);
  l->ref = 1;
  g_mutex_init (&l->lock);
  l->send = send;
  l->data = data;
  l->destroy = destroy;
  self->link = l;
  return GST_OBJECT (self);
}

void
gst_libp2p_ice_receive (GstObject * ice, GstBuffer * buffer)
{
  GstLibp2pIce *self = GST_LIBP2P_ICE (ice);
  GstElement *src = NULL;

  g_mutex_lock (&self->lock);
  if (self->announced == 1 && !self->flushing)
    src = gst_object_ref (self->src);
  else if (g_queue_get_length (&self->early) < EARLY_MAX)
    g_queue_push_tail (&self->early, gst_buffer_ref (buffer));
  g_mutex_unlock (&self->lock);
  if (src) {
    gst_app_src_push_buffer (GST_APP_SRC (src), buffer);
    gst_object_unref (src);
  } else {
    gst_buffer_unref (buffer);
  }
}

/* Announces what webrtcbin has not been told yet: CONNECTED once the
 * client checked us and the local description is applied, FAILED once. */
static void
ice_update (GstLibp2pIce * self)
{
  GstWebRTCICETransport *t = NULL;
  GstWebRTCICEConnectionState state = GST_WEBRTC_ICE_CONNECTION_STATE_NEW;
  GstBuffer *buf;

  g_mutex_lock (&self->lock);
  if (self->transport && self->failed && self->announced != 2) {
    state = GST_WEBRTC_ICE_CONNECTION_STATE_FAILED;
    self->announced = 2;
  } else if (self->transport && self->connected && self->ready &&
      !self->announced) {
    state = GST_WEBRTC_ICE_CONNECTION_STATE_CONNECTED;
    self->announced = 1;
  }
  if (state != GST_WEBRTC_ICE_CONNECTION_STATE_NEW)
    t = gst_object_ref (self->transport);
  if (state == GST_WEBRTC_ICE_CONNECTION_STATE_CONNECTED)
    self->flushing = TRUE;
  g_mutex_unlock (&self->lock);
  if (t == NULL)
    return;
  GST_DEBUG_OBJECT (self, "ICE %s", state ==
      GST_WEBRTC_ICE_CONNECTION_STATE_CONNECTED ? "connected" : "failed");
  ice_announce (t, state);
  /* only now: a buffer the appsrc pushes before webrtcbin's receive bin is
   * running fails with FLUSHING and pauses the appsrc's task for good
   * (transportreceivebin.c: "this races with the pad exposure later").
   * What arrives meanwhile queues behind them: DTLS in order. */
  if (state == GST_WEBRTC_ICE_CONNECTION_STATE_CONNECTED) {
    g_mutex_lock (&self->lock);
    while ((buf = g_queue_pop_head (&self->early))) {
      g_mutex_unlock (&self->lock);
      gst_app_src_push_buffer (GST_APP_SRC (t->src), buf);
      g_mutex_lock (&self->lock);
    }
    self->flushing = FALSE;
    g_mutex_unlock (&self->lock);
  }
  gst_object_unref (t);
}

static void
ice_set_state (GstLibp2pIce * self, gboolean connected)
{
  g_mutex_lock (&self->lock);
  if (connected)
    self->connected = TRUE;
  else
    self->failed = TRUE;
  g_mutex_unlock (&self->lock);
  ice_update (self);
}

void
gst_libp2p_ice_set_connected (GstObject * ice)
{
  ice_set_state (GST_LIBP2P_ICE (ice), TRUE);
}

void
gst_libp2p_ice_set_failed (GstObject * ice)
{
  ice_set_state (GST_LIBP2P_ICE (ice), FALSE);
}

void
gst_libp2p_ice_detach (GstObject * ice)
{
  IceLink *l = GST_LIBP2P_ICE (ice)->link;

  g_mutex_lock (&l->lock);
  l->send = NULL;
  g_mutex_unlock (&l->lock);
}
