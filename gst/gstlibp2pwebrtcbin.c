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
 *
 * Threads (webrtcbin 1.22 emits every data-channel signal from its one
 * operations thread, which also runs offer/answer, so its handlers here
 * never block):
 *  - webrtcbin's thread: on-data-channel, on-open, on-close,
 *    on-message-data, on-buffered-amount-low.  Frames are decoded, fed to
 *    the negotiation or the half-close machine, payloads appended to the
 *    substream's bounded queue; replies (negotiation steps, FIN_ACK) sent.
 *  - the worker (one thread of a GThreadPool, jobs run in order): adds and
 *    removes pads, creates deferred channels, closes channels, emits the
 *    substream signals and posts the bus messages.
 *  - one task per src pad: pops the queue and pushes downstream.
 *  - upstream threads: sink pad chain/event; they wait (bounded) for the
 *    negotiation and for the channel's buffered-amount to drop.
 *  - the system clock's thread: negotiation and FIN_ACK deadlines.
 * self->lock guards the substream table and every substream's state; it is
 * never held while pushing a buffer or emitting a signal.  A substream's
 * send_lock orders what is sent on its channel and is taken after
 * self->lock, never the other way round.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlibp2pwebrtcbin.h"
#include "gstlibp2ppad.h"

#include "direct.h"
#include "frame.h"
#include "identity.h"
#include "multiaddr.h"
#include "multibase.h"
#include "mss.h"
#include "sdp.h"
#include "substream.h"

#include <gio/gio.h>
#include <gst/sdp/sdp.h>
#include <gst/webrtc/webrtc.h>
#include <openssl/rand.h>
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
/* libp2p/specs ping/ping.md */
#define PING_PROTOCOL "/ipfs/ping/1.0.0"
/* Sending waits while the channel holds more than this. */
#define DEFAULT_SEND_HIGH_WATER (1024 * 1024)
/* Bytes queued for one src pad before the substream is reset: litep2p
 * resets after 256 queued frames (MAX_INFLIGHT_MESSAGES, 256 x 16 KiB). */
#define DEFAULT_RECEIVE_QUEUE_SIZE (4 * 1024 * 1024)
/* How often a blocked sender re-reads buffered-amount, should the low
 * signal be missed. */
#define BACKPRESSURE_POLL (100 * G_TIME_SPAN_MILLISECOND)

/* WebRTC-direct: ICE + DTLS + SCTP + Noise.  libnice gives up on ICE after
 * ~30 s; js-libp2p's dial timeout is 10 s. */
#define DEFAULT_CONNECT_TIMEOUT (20 * GST_SECOND)

/* The channel reserved for the WebRTC-direct Noise handshake: negotiated,
 * never a substream (libp2p/specs webrtc/webrtc-direct.md). */
#define RESERVED_CHANNEL_ID 0
/* webrtcbin 1.22's SCTP association has 1024 streams; each side allocates
 * ids of one parity (RFC 8832: by DTLS role), and id 0 is reserved: at most
 * 511 channels we open can be alive at once.  Past that webrtcbin's sctpenc
 * fails to write and posts an ERROR that would stop the pipeline, so the
 * element refuses the open instead (measured: 512 of 1000 opened). */
#define MAX_LIVE_OUTBOUND 511

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

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src_%s",
    GST_PAD_SRC, GST_PAD_SOMETIMES,
    GST_STATIC_CAPS ("application/x-libp2p-stream"));

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink_%s",
    GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS_ANY);

/* ---- substreams ---- */

typedef enum
{
  SS_WAIT_CONNECT,              /* outbound, waiting for the connection */
  SS_OPENING,                   /* outbound channel created, not open yet */
  SS_NEGOTIATING,
  SS_OPEN,
  SS_DONE,                      /* ended: channel closing, pads going */
} SsState;

typedef struct _Substream Substream;

struct _Substream
{
  gint ref;
  GstLibp2pWebrtcBin *self;     /* no ref: the element outlives the table */
  guint id;
  gboolean outbound;
  SsState state;

  GstWebRTCDataChannel *channel;
  gint channel_id;
  gulong sig_open, sig_close, sig_error, sig_data, sig_low;

  gchar **proposals;            /* outbound: main + fallbacks */
  Lp2pMss *mss;
  Lp2pFrameDecoder dec;
  Lp2pSubstream hc;             /* half-close, once open */
  gchar *protocol;              /* negotiated (or the main proposal) */
  gchar *key;                   /* NULL until known */
  gint n;                       /* -1 until known */
  gboolean neg_sent;            /* our first negotiation frame went out */

  GstPad *srcpad;               /* owned by the element once added */
  GstPad *sinkpad;
  GQueue queue;                 /* GstBuffer, or &eos_marker last */
  gsize queued_bytes;
  gboolean eos_queued, src_flushing, src_started, src_done;
  GCond src_cond;

  GMutex send_lock;
  GstClockID timer;
  gboolean send_reset;          /* JOB_END sends RESET_STREAM first */
  gboolean was_open;
  gboolean ended;               /* JOB_END ran */
  gboolean counted;             /* in self->live_outbound */
  gboolean responder;           /* an inbound ping answered internally */
  gboolean removing;
  GError *error;
  guint64 bytes_in, bytes_out;
};

static const int eos_marker;
#define EOS_MARKER ((gpointer) &eos_marker)

struct _GstLibp2pWebrtcBin
{
  GstBin parent;

  GMutex lock;
  GCond cond;                   /* sink pads: writable, bound, drained */

  GstElement *webrtcbin;
  gboolean webrtcbin_internal;
  gulong sig_data_channel, sig_conn_state;
  GstWebRTCDataChannel *channel0;

  /* properties */
  gchar **protocols;
  gchar *config_error;
  GstClockTime negotiation_timeout;
  GstClockTime fin_ack_timeout;
  guint max_frame_size;
  gboolean lazy;
  gboolean dial_on_request;
  gboolean ping_responder;
  guint64 send_high_water;
  guint receive_queue_size;

  /* state */
  gboolean running;
  gboolean stopping;            /* PAUSED -> READY under way */
  gboolean connected;
  GHashTable *substreams;       /* id -> Substream* (ref) */
  GHashTable *key_next;         /* key -> next n */
  GList *waiting_pads;          /* requested sink pads without substream */
  GPtrArray *closed_channels;   /* closed, released at stop */
  guint next_id;
  guint live_outbound;           /* outbound channels created, not closed */
  guint32 stream_id_base;       /* random: stream ids unique across elements */
  GThreadPool *worker;

  /* WebRTC-direct dialer (peer-address) */
  gchar *peer_address;          /* as set */
  gchar *address_error;         /* why peer-address is unusable */
  gchar *key_error;             /* why private-key is unusable */
  gboolean direct;              /* dial peer_address at start */
  Lp2pWebrtcDirectAddr addr;
  Lp2pIdentity *identity;       /* private-key, or generated on demand */
  GstClockTime connect_timeout;
  Lp2pDirectNoise *noise;       /* the handshake on channel 0 */
  guint noise_rx;               /* channel-0 messages received */
  gboolean cert_checked;
  gboolean direct_failed;
  gchar *remote_peer_id;
  GstClockID connect_timer;
  gulong sig_ch0_data;

  /* stats */
  guint64 stat_opened, stat_failed, stat_bytes_in, stat_bytes_out;
  guint64 stat_reassembled;     /* frames split across messages */
  guint64 stat_pings;           /* ping payloads echoed by the responder */
};

#define gst_libp2p_webrtc_bin_parent_class parent_class
G_DEFINE_TYPE (GstLibp2pWebrtcBin, gst_libp2p_webrtc_bin, GST_TYPE_BIN);
GST_ELEMENT_REGISTER_DEFINE (libp2pwebrtcbin, "libp2pwebrtcbin",
    GST_RANK_NONE, GST_TYPE_LIBP2P_WEBRTC_BIN);

typedef enum
{
  JOB_CREATE_CHANNEL,
  JOB_EXPOSE,
  JOB_END,
  JOB_REMOVE,
  JOB_NOISE,                    /* a channel-0 message (no substream) */
  JOB_RESOLVE,                  /* resolve peer-address's name, then dial */
} JobType;

typedef struct
{
  JobType type;
  Substream *ss;
  GBytes *data;
} Job;

static void ss_end_locked (Substream * ss, GError * error,
    gboolean send_reset);

static Substream *
ss_ref (Substream * ss)
{
  g_atomic_int_inc (&ss->ref);
  return ss;
}

static void
ss_unref (Substream * ss)
{
  gpointer item;

  if (!g_atomic_int_dec_and_test (&ss->ref))
    return;
  g_assert (ss->channel == NULL);
  g_assert (ss->timer == NULL);
  while ((item = g_queue_pop_head (&ss->queue)) != NULL)
    if (item != EOS_MARKER)
      gst_buffer_unref (item);
  lp2p_mss_free (ss->mss);
  lp2p_frame_decoder_clear (&ss->dec);
  g_strfreev (ss->proposals);
  g_free (ss->protocol);
  g_free (ss->key);
  g_clear_error (&ss->error);
  g_cond_clear (&ss->src_cond);
  g_mutex_clear (&ss->send_lock);
  g_free (ss);
}

static Substream *
ss_new_locked (GstLibp2pWebrtcBin * self, gboolean outbound)
{
  Substream *ss = g_new0 (Substream, 1);

  ss->ref = 1;
  ss->self = self;
  ss->id = ++self->next_id;
  ss->outbound = outbound;
  ss->channel_id = -1;
  ss->n = -1;
  lp2p_frame_decoder_init (&ss->dec, LP2P_FRAME_DEFAULT_MAX_BODY);
  g_queue_init (&ss->queue);
  g_cond_init (&ss->src_cond);
  g_mutex_init (&ss->send_lock);
  g_hash_table_insert (self->substreams, GUINT_TO_POINTER (ss->id), ss);
  return ss;
}

/* "/ipfs/ping/1.0.0" -> "ipfs-ping-1-0-0" (DESIGN.md, Element interface). */
static gchar *
protocol_key (const gchar * protocol)
{
  gchar *key = g_strdup (protocol[0] == '/' ? protocol + 1 : protocol);
  gchar *c;

  for (c = key; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '-')
      *c = '-';
  return key;
}

static gboolean
key_is_valid (const gchar * key)
{
  const gchar *c;

  if (key == NULL || *key == 0)
    return FALSE;
  for (c = key; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '-')
      return FALSE;
  return TRUE;
}

/* Substream of (key, n), or NULL. */
static Substream *
find_substream_locked (GstLibp2pWebrtcBin * self, const gchar * key, gint n)
{
  GHashTableIter it;
  gpointer v;

  g_hash_table_iter_init (&it, self->substreams);
  while (g_hash_table_iter_next (&it, NULL, &v)) {
    Substream *ss = v;

    if (ss->n == n && ss->key && g_str_equal (ss->key, key))
      return ss;
  }
  return NULL;
}

static gboolean
key_n_reserved_locked (GstLibp2pWebrtcBin * self, const gchar * key, gint n)
{
  GList *l;

  if (find_substream_locked (self, key, n))
    return TRUE;
  for (l = self->waiting_pads; l; l = l->next) {
    g_autofree gchar *name = gst_pad_get_name (l->data);
    g_autofree gchar *want = g_strdup_printf ("sink_%s_%d", key, n);

    if (g_str_equal (name, want))
      return TRUE;
  }
  return FALSE;
}

/* Gives @ss its key and number n: @n if >= 0 (a requested pad), else the
 * next free number of the key.  A waiting requested sink pad counts as
 * free: the substream binds to it. */
static void
ss_assign_key_locked (Substream * ss, const gchar * protocol, gint n)
{
  GstLibp2pWebrtcBin *self = ss->self;
  gchar *key = protocol_key (protocol);
  gint next = GPOINTER_TO_INT (g_hash_table_lookup (self->key_next, key));

  if (n < 0) {
    n = next;
    while (find_substream_locked (self, key, n))
      n++;
  }
  ss->key = key;
  ss->n = n;
  if (n + 1 > next)
    g_hash_table_insert (self->key_next, g_strdup (key),
        GINT_TO_POINTER (n + 1));
}

/* ---- the worker ---- */

static void
schedule_locked (GstLibp2pWebrtcBin * self, JobType type, Substream * ss)
{
  Job *job;

  if (!self->running || self->worker == NULL)
    return;
  job = g_new0 (Job, 1);
  job->type = type;
  job->ss = ss_ref (ss);
  g_thread_pool_push (self->worker, job, NULL);
}

/* ---- timers ---- */

static gboolean ss_timer_cb (GstClock * clock, GstClockTime time,
    GstClockID id, gpointer user_data);

/* A single-shot wait on the system clock, @timeout from now. */
static GstClockID
timer_start (GstClockTime timeout, GstClockCallback cb, gpointer data,
    GDestroyNotify free_data)
{
  GstClock *clock = gst_system_clock_obtain ();
  GstClockID id = gst_clock_new_single_shot_id (clock,
      gst_clock_get_time (clock) + timeout);

  gst_clock_id_wait_async (id, cb, data, free_data);
  gst_object_unref (clock);
  return id;
}

static void
timer_cancel (GstClockID * id)
{
  if (*id) {
    gst_clock_id_unschedule (*id);
    gst_clock_id_unref (*id);
    *id = NULL;
  }
}

static void
ss_cancel_timer_locked (Substream * ss)
{
  timer_cancel (&ss->timer);
}

typedef struct
{
  GstLibp2pWebrtcBin *self;
  Substream *ss;
} TimerData;

static void
timer_data_free (gpointer p)
{
  TimerData *td = p;

  ss_unref (td->ss);
  gst_object_unref (td->self);
  g_free (td);
}

static void
ss_arm_timer_locked (Substream * ss, GstClockTime timeout)
{
  TimerData *td = g_new0 (TimerData, 1);

  ss_cancel_timer_locked (ss);
  td->self = gst_object_ref (ss->self);
  td->ss = ss_ref (ss);
  ss->timer = timer_start (timeout, ss_timer_cb, td, timer_data_free);
}

static gint64
now_us (void)
{
  GstClock *clock = gst_system_clock_obtain ();
  gint64 t = (gint64) (gst_clock_get_time (clock) / GST_USECOND);

  gst_object_unref (clock);
  return t;
}

/* ---- sending ---- */

/* Sends one frame on @ss's channel.  Call with ss->send_lock held. */
static gboolean
ss_send_frame_unlocked (Substream * ss, GBytes * frame, GError ** error)
{
  if (ss->channel == NULL) {
    g_set_error_literal (error, GST_LIBP2P_ERROR, GST_LIBP2P_ERROR_CLOSED,
        "the data channel is closed");
    return FALSE;
  }
  return gst_webrtc_data_channel_send_data_full (ss->channel, frame, error);
}

static void
ss_send_flag (Substream * ss, gint flag)
{
  g_autoptr (GBytes) frame = NULL;
  g_autoptr (GError) err = NULL;

  if (flag == LP2P_FLAG_NONE)
    return;
  frame = lp2p_frame_encode (flag, NULL, 0);
  g_mutex_lock (&ss->send_lock);
  if (!ss_send_frame_unlocked (ss, frame, &err))
    GST_DEBUG_OBJECT (ss->self, "channel %d: flag %d not sent: %s",
        ss->channel_id, flag, err->message);
  g_mutex_unlock (&ss->send_lock);
}

/* Our write half is done: FIN (once), FIN_ACK awaited until the timer.
 * Called with self->lock held, returns with it held; the lock is dropped
 * while sending (after send_lock is taken, so the FIN follows any reply
 * sent before). */
static void
ss_finish_write_locked (Substream * ss)
{
  Lp2pSubstreamActions act;
  g_autoptr (GBytes) fin = NULL;
  g_autoptr (GError) err = NULL;

  if (ss->state != SS_OPEN)
    return;
  lp2p_substream_close_write (&ss->hc, now_us (), &act);
  if (act.send_flag == LP2P_FLAG_NONE)
    return;
  ss_arm_timer_locked (ss, ss->self->fin_ack_timeout);
  fin = lp2p_frame_encode (act.send_flag, NULL, 0);
  g_mutex_lock (&ss->send_lock);
  g_mutex_unlock (&ss->self->lock);
  if (!ss_send_frame_unlocked (ss, fin, &err))
    GST_DEBUG_OBJECT (ss->self, "channel %d: FIN not sent: %s",
        ss->channel_id, err->message);
  g_mutex_unlock (&ss->send_lock);
  g_mutex_lock (&ss->self->lock);
}

/* ---- ending ---- */

static GError *
error_new (GstLibp2pError code, const gchar * fmt, ...) G_GNUC_PRINTF (2, 3);

static GError *
error_new (GstLibp2pError code, const gchar * fmt, ...)
{
  va_list ap;
  GError *e;

  va_start (ap, fmt);
  e = g_error_new_valist (GST_LIBP2P_ERROR, code, fmt, ap);
  va_end (ap);
  return e;
}

static void
ss_queue_eos_locked (Substream * ss)
{
  if (!ss->eos_queued) {
    ss->eos_queued = TRUE;
    g_queue_push_tail (&ss->queue, EOS_MARKER);
    g_cond_broadcast (&ss->src_cond);
  }
}

/* Ends @ss (once): reports it from the worker, closes its channel there
 * (after RESET_STREAM if @send_reset), ends its src pad with EOS after the
 * data already queued, and wakes its writers.  Takes @error. */
static void
ss_end_locked (Substream * ss, GError * error, gboolean send_reset)
{
  GstLibp2pWebrtcBin *self = ss->self;

  if (ss->state == SS_DONE) {
    g_clear_error (&error);
    return;
  }
  if (self->stopping && error) {
    /* webrtcbin closes the channels while the element stops: say so */
    g_clear_error (&error);
    error = error_new (GST_LIBP2P_ERROR_STOPPED, "the element stopped");
  }
  GST_DEBUG_OBJECT (self, "channel %d: substream %u ends: %s", ss->channel_id,
      ss->id, error ? error->message : "finished");
  ss->was_open = ss->state == SS_OPEN;
  ss->state = SS_DONE;
  ss->error = error;
  ss->send_reset = send_reset;
  ss_cancel_timer_locked (ss);
  if (ss->was_open)
    ss_queue_eos_locked (ss);
  g_cond_broadcast (&self->cond);
  schedule_locked (self, JOB_END, ss);
}

static void
ss_maybe_remove_locked (Substream * ss)
{
  if (ss->ended && !ss->removing && (ss->srcpad == NULL || ss->src_done ||
          !ss->src_started)) {
    ss->removing = TRUE;
    schedule_locked (ss->self, JOB_REMOVE, ss);
  }
}

/* ---- receiving ---- */

static gboolean
accept_cb (const gchar * protocol, gpointer user_data)
{
  Substream *ss = user_data;
  GstLibp2pWebrtcBin *self = ss->self;
  gboolean accept = FALSE;

  /* the responder answers pings that 'protocols' does not claim */
  if (self->ping_responder && g_str_equal (protocol, PING_PROTOCOL))
    return ss->state == SS_NEGOTIATING;
  /* Called from lp2p_mss_feed() under self->lock: never emit under it. */
  g_mutex_unlock (&self->lock);
  g_signal_emit (self, signals[SIGNAL_ACCEPT_PROTOCOL], 0, protocol, &accept);
  g_mutex_lock (&self->lock);
  return accept && ss->state == SS_NEGOTIATING;
}

/* Appends a payload for the src pad; resets the substream when the queue
 * is full (the webrtcbin thread must not block). */
static void
ss_deliver_locked (Substream * ss, GstBuffer * buf)
{
  gsize size = gst_buffer_get_size (buf);
  GstLibp2pWebrtcBin *self = ss->self;

  if (size == 0 || ss->eos_queued) {
    gst_buffer_unref (buf);
    return;
  }
  if (ss->queued_bytes + size > self->receive_queue_size) {
    gst_buffer_unref (buf);
    GST_WARNING_OBJECT (self, "channel %d: receive queue over %u bytes",
        ss->channel_id, self->receive_queue_size);
    ss_end_locked (ss, error_new (GST_LIBP2P_ERROR_OVERFLOW,
            "receive queue of substream %u overflowed (%u bytes): the "
            "downstream of its src pad is too slow", ss->id,
            self->receive_queue_size), TRUE);
    return;
  }
  ss->bytes_in += size;
  self->stat_bytes_in += size;
  ss->queued_bytes += size;
  g_queue_push_tail (&ss->queue, buf);
  g_cond_signal (&ss->src_cond);
}

static GstBuffer *
wrap_payload (GBytes * msg, const Lp2pFrame * f)
{
  if (msg != NULL)
    return gst_buffer_new_wrapped_full (GST_MEMORY_FLAG_READONLY,
        (gpointer) f->data, f->size, 0, f->size, g_bytes_ref (msg),
        (GDestroyNotify) g_bytes_unref);
  return gst_buffer_new_memdup (f->data, f->size);
}

static gboolean
protocol_listed_locked (GstLibp2pWebrtcBin * self, const gchar * protocol)
{
  return self->protocols && g_strv_contains ((const gchar * const *)
      self->protocols, protocol);
}

/* Echoes what the remote pings (libp2p/specs ping/ping.md: the listener
 * sends back every 32-byte payload, on the same stream). */
static void
ss_responder_echo_locked (Substream * ss, const guint8 * data, gsize size,
    GPtrArray * to_send)
{
  GPtrArray *frames = lp2p_frame_encode_split (LP2P_FLAG_NONE, data, size,
      ss->self->max_frame_size);
  guint i;

  for (i = 0; i < frames->len; i++)
    g_ptr_array_add (to_send, g_bytes_ref (g_ptr_array_index (frames, i)));
  g_ptr_array_unref (frames);
  ss->bytes_in += size;
  ss->bytes_out += size;
  ss->self->stat_pings++;
}

/* The negotiation succeeded: assign the key, queue the leftover (an
 * internal ping responder echoes it instead, and gets no pads). */
static void
ss_negotiated_locked (Substream * ss, GPtrArray * to_send)
{
  GstLibp2pWebrtcBin *self = ss->self;
  g_autoptr (GBytes) left = lp2p_mss_take_leftover (ss->mss);

  g_autofree gchar *key = NULL;

  g_free (ss->protocol);
  ss->protocol = g_strdup (lp2p_mss_get_protocol (ss->mss));
  if (!ss->outbound && self->ping_responder &&
      g_str_equal (ss->protocol, PING_PROTOCOL) &&
      !protocol_listed_locked (self, PING_PROTOCOL)) {
    ss->responder = TRUE;
    ss->state = SS_OPEN;
    ss_cancel_timer_locked (ss);
    lp2p_substream_init (&ss->hc, (gint64) (self->fin_ack_timeout /
            GST_USECOND));
    GST_DEBUG_OBJECT (self, "channel %d: answering pings", ss->channel_id);
    if (g_bytes_get_size (left) > 0)
      ss_responder_echo_locked (ss, g_bytes_get_data (left, NULL),
          g_bytes_get_size (left), to_send);
    return;
  }
  key = protocol_key (ss->protocol);
  /* a fallback or an inbound substream gets its key and number now */
  if (ss->key == NULL || !g_str_equal (ss->key, key)) {
    g_clear_pointer (&ss->key, g_free);
    ss_assign_key_locked (ss, ss->protocol, -1);
  }
  ss->state = SS_OPEN;
  ss_cancel_timer_locked (ss);
  lp2p_substream_init (&ss->hc, (gint64) (self->fin_ack_timeout /
          GST_USECOND));
  self->stat_opened++;
  GST_DEBUG_OBJECT (self, "channel %d: negotiated %s (substream %u, %s_%d)",
      ss->channel_id, ss->protocol, ss->id, ss->key, ss->n);
  if (g_bytes_get_size (left) > 0)
    ss_deliver_locked (ss, gst_buffer_new_wrapped_bytes (left));
  g_cond_broadcast (&self->cond);
  schedule_locked (self, JOB_EXPOSE, ss);
}

static void
ss_handle_actions_locked (Substream * ss, const Lp2pSubstreamActions * act,
    GPtrArray * to_send)
{
  GstLibp2pWebrtcBin *self = ss->self;

  if (act->send_flag != LP2P_FLAG_NONE && act->event !=
      LP2P_SUBSTREAM_EVENT_VIOLATION && act->event !=
      LP2P_SUBSTREAM_EVENT_FIN_ACK_TIMEOUT)
    g_ptr_array_add (to_send, lp2p_frame_encode (act->send_flag, NULL, 0));

  switch (act->event) {
    case LP2P_SUBSTREAM_EVENT_REMOTE_FIN:
      ss_queue_eos_locked (ss);
      break;
    case LP2P_SUBSTREAM_EVENT_STOP_SENDING:
    case LP2P_SUBSTREAM_EVENT_WRITE_CLOSED:
      g_cond_broadcast (&self->cond);
      break;
    case LP2P_SUBSTREAM_EVENT_REMOTE_RESET:
      ss_end_locked (ss, error_new (GST_LIBP2P_ERROR_RESET,
              "the remote reset substream %u (%s)", ss->id, ss->protocol),
          FALSE);
      return;
    case LP2P_SUBSTREAM_EVENT_FIN_ACK_TIMEOUT:
      ss_end_locked (ss, error_new (GST_LIBP2P_ERROR_TIMEOUT,
              "no FIN_ACK for substream %u within %" GST_TIME_FORMAT, ss->id,
              GST_TIME_ARGS (self->fin_ack_timeout)), TRUE);
      return;
    case LP2P_SUBSTREAM_EVENT_VIOLATION:
      ss_end_locked (ss, error_new (GST_LIBP2P_ERROR_PROTOCOL_VIOLATION,
              "substream %u (%s): %s", ss->id, ss->protocol, act->reason),
          TRUE);
      return;
    case LP2P_SUBSTREAM_EVENT_NONE:
      break;
  }
  if (act->close_channel)
    ss_end_locked (ss, NULL, FALSE);
}

/* One frame of @ss.  @msg is the message it was decoded from when its
 * payload may be wrapped without a copy, else NULL. */
static void
ss_on_frame_locked (Substream * ss, const Lp2pFrame * f, GBytes * msg,
    GPtrArray * to_send)
{
  if (ss->state == SS_NEGOTIATING) {
    g_autoptr (GByteArray) out = g_byte_array_new ();
    Lp2pMssStatus st = lp2p_mss_feed_frame (ss->mss, f, out);

    if (ss->state != SS_NEGOTIATING)
      return;                   /* ended while the lock was dropped */
    if (out->len > 0)
      g_ptr_array_add (to_send, lp2p_frame_encode (LP2P_FLAG_NONE, out->data,
              out->len));
    switch (st) {
      case LP2P_MSS_NEED_MORE:
        break;
      case LP2P_MSS_SUCCESS:
        ss_negotiated_locked (ss, to_send);
        break;
      case LP2P_MSS_REJECTED:
        ss_end_locked (ss, error_new (GST_LIBP2P_ERROR_REFUSED,
                "%s", lp2p_mss_get_error (ss->mss)), FALSE);
        break;
      case LP2P_MSS_VIOLATION:
        ss_end_locked (ss, error_new (GST_LIBP2P_ERROR_PROTOCOL_VIOLATION,
                "multistream-select: %s", lp2p_mss_get_error (ss->mss)), TRUE);
        break;
    }
  } else if (ss->state == SS_OPEN) {
    Lp2pSubstreamActions act;

    lp2p_substream_on_frame (&ss->hc, f, &act);
    if (act.deliver && f->size > 0 && ss->responder)
      ss_responder_echo_locked (ss, f->data, f->size, to_send);
    else if (act.deliver && f->size > 0)
      ss_deliver_locked (ss, wrap_payload (msg, f));
    ss_handle_actions_locked (ss, &act, to_send);
    if (ss->responder && act.event == LP2P_SUBSTREAM_EVENT_REMOTE_FIN &&
        ss->state == SS_OPEN) {
      /* the pinger is done: so are we (FIN after the echoes) */
      Lp2pSubstreamActions fin;

      lp2p_substream_close_write (&ss->hc, now_us (), &fin);
      if (fin.send_flag != LP2P_FLAG_NONE) {
        g_ptr_array_add (to_send, lp2p_frame_encode (fin.send_flag, NULL, 0));
        ss_arm_timer_locked (ss, ss->self->fin_ack_timeout);
      }
    }
  }
}

static void
ss_frame_error_locked (Substream * ss, Lp2pFrameResult r)
{
  ss_end_locked (ss, error_new (GST_LIBP2P_ERROR_PROTOCOL_VIOLATION,
          "substream %u: bad frame: %s", ss->id,
          lp2p_frame_result_to_string (r)), TRUE);
}

static void
ss_send_all (Substream * ss, GPtrArray * to_send)
{
  guint i;

  for (i = 0; i < to_send->len; i++) {
    g_autoptr (GError) err = NULL;

    if (!ss_send_frame_unlocked (ss, g_ptr_array_index (to_send, i), &err))
      GST_DEBUG_OBJECT (ss->self, "channel %d: reply not sent: %s",
          ss->channel_id, err->message);
  }
}

static void
on_message_data (GstWebRTCDataChannel * channel, GBytes * data,
    Substream * ss)
{
  GstLibp2pWebrtcBin *self = ss->self;
  g_autoptr (GPtrArray) to_send =
      g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gsize len;
  const guint8 *d;

  if (data == NULL)
    return;
  d = g_bytes_get_data (data, &len);

  g_mutex_lock (&self->lock);
  if (ss->state != SS_NEGOTIATING && ss->state != SS_OPEN) {
    g_mutex_unlock (&self->lock);
    return;
  }
  if (lp2p_frame_decoder_pending (&ss->dec) == 0) {
    /* Fast path: whole frames are decoded straight from the message and
     * their payloads wrapped, not copied; a partial tail is buffered. */
    gsize off = 0;

    while (off < len && (ss->state == SS_NEGOTIATING || ss->state == SS_OPEN)) {
      Lp2pFrame f;
      gsize used = 0;
      Lp2pFrameResult r = lp2p_frame_decode (d + off, len - off,
          LP2P_FRAME_DEFAULT_MAX_BODY, &f, &used);

      if (r == LP2P_FRAME_NEED_MORE) {
        lp2p_frame_decoder_push (&ss->dec, d + off, len - off);
        break;
      }
      if (r != LP2P_FRAME_OK) {
        ss_frame_error_locked (ss, r);
        break;
      }
      off += used;
      ss_on_frame_locked (ss, &f, data, to_send);
    }
  } else {
    Lp2pFrame f;
    Lp2pFrameResult r;

    lp2p_frame_decoder_push (&ss->dec, d, len);
    while ((ss->state == SS_NEGOTIATING || ss->state == SS_OPEN) &&
        (r = lp2p_frame_decoder_next (&ss->dec, &f)) != LP2P_FRAME_NEED_MORE) {
      if (r != LP2P_FRAME_OK) {
        ss_frame_error_locked (ss, r);
        break;
      }
      self->stat_reassembled++;
      ss_on_frame_locked (ss, &f, NULL, to_send);
    }
  }
  /* Replies go out before anything a writer may send once the lock is
   * released (lock order: self->lock, then send_lock). */
  g_mutex_lock (&ss->send_lock);
  g_mutex_unlock (&self->lock);
  ss_send_all (ss, to_send);
  g_mutex_unlock (&ss->send_lock);
}

static void
on_buffered_amount_low (GstWebRTCDataChannel * channel, Substream * ss)
{
  GstLibp2pWebrtcBin *self = ss->self;

  g_mutex_lock (&self->lock);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static void
on_channel_close (GstWebRTCDataChannel * channel, Substream * ss)
{
  GstLibp2pWebrtcBin *self = ss->self;

  g_mutex_lock (&self->lock);
  /* The close (an SCTP stream reset) is not ordered with the messages of
   * the channel in webrtcbin: a remote that saw our FIN and sent its own
   * may close before its FIN_ACK reaches us.  Everything it wrote reached
   * us (its FIN did) and it read our FIN: a clean close. */
  if (ss->state == SS_OPEN && (lp2p_substream_is_finished (&ss->hc) ||
          (!lp2p_substream_can_read (&ss->hc) &&
              !lp2p_substream_can_write (&ss->hc))))
    ss_end_locked (ss, NULL, FALSE);
  else
    ss_end_locked (ss, error_new (GST_LIBP2P_ERROR_CLOSED,
            "the data channel of substream %u closed%s", ss->id,
            ss->state == SS_OPEN ? "" : " while opening"), FALSE);
  g_mutex_unlock (&self->lock);
}

static void
on_channel_error (GstWebRTCDataChannel * channel, GError * error,
    Substream * ss)
{
  GstLibp2pWebrtcBin *self = ss->self;

  g_mutex_lock (&self->lock);
  ss_end_locked (ss, error_new (GST_LIBP2P_ERROR_CLOSED,
          "data channel error on substream %u: %s", ss->id,
          error ? error->message : "unknown"), FALSE);
  g_mutex_unlock (&self->lock);
}

/* Outbound channel open: send header + first proposal as one frame. */
static void
on_channel_open (GstWebRTCDataChannel * channel, Substream * ss)
{
  GstLibp2pWebrtcBin *self = ss->self;
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GBytes) frame = NULL;
  g_autoptr (GError) err = NULL;
  gint id = -1;

  g_object_get (channel, "id", &id, NULL);
  g_mutex_lock (&self->lock);
  if (ss->state != SS_OPENING) {
    g_mutex_unlock (&self->lock);
    return;
  }
  ss->channel_id = id;
  ss->state = SS_NEGOTIATING;
  lp2p_mss_start (ss->mss, out);
  frame = lp2p_frame_encode (LP2P_FLAG_NONE, out->data, out->len);
  g_mutex_lock (&ss->send_lock);
  g_mutex_unlock (&self->lock);
  if (!ss_send_frame_unlocked (ss, frame, &err)) {
    g_mutex_unlock (&ss->send_lock);
    g_mutex_lock (&self->lock);
    ss_end_locked (ss, error_new (GST_LIBP2P_ERROR_CLOSED,
            "could not send the proposal of substream %u: %s", ss->id,
            err->message), FALSE);
    g_mutex_unlock (&self->lock);
    return;
  }
  g_mutex_unlock (&ss->send_lock);
  GST_DEBUG_OBJECT (self, "channel %d: proposed %s", id, ss->protocol);
  g_mutex_lock (&self->lock);
  ss->neg_sent = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* A channel handler's data: @ss and its element, both referenced until the
 * handler is disconnected and any emission under way has returned (GLib
 * runs the destroy notify then), so a handler that webrtcbin's thread is
 * running while the element stops never sees a freed element. */
static void
ss_handler_data_free (gpointer data, GClosure * closure)
{
  Substream *ss = data;
  GstLibp2pWebrtcBin *self = ss->self;

  ss_unref (ss);
  gst_object_unref (self);
}

static gulong
ss_connect (Substream * ss, GstWebRTCDataChannel * channel,
    const gchar * signal, GCallback cb)
{
  gst_object_ref (ss->self);
  return g_signal_connect_data (channel, signal, cb, ss_ref (ss),
      ss_handler_data_free, 0);
}

static void
ss_attach_channel_locked (Substream * ss, GstWebRTCDataChannel * channel)
{
  ss->channel = g_object_ref (channel);
  g_object_set (channel, "buffered-amount-low-threshold",
      ss->self->send_high_water / 2, NULL);
  ss->sig_data = ss_connect (ss, channel, "on-message-data",
      G_CALLBACK (on_message_data));
  ss->sig_close = ss_connect (ss, channel, "on-close",
      G_CALLBACK (on_channel_close));
  ss->sig_error = ss_connect (ss, channel, "on-error",
      G_CALLBACK (on_channel_error));
  ss->sig_low = ss_connect (ss, channel, "on-buffered-amount-low",
      G_CALLBACK (on_buffered_amount_low));
  if (ss->outbound)
    ss->sig_open = ss_connect (ss, channel, "on-open",
        G_CALLBACK (on_channel_open));
}

/* Disconnects and closes @ss's channel.  Not under self->lock: closing
 * may call into webrtcbin. */
static void
ss_detach_channel (Substream * ss)
{
  GstWebRTCDataChannel *channel;

  g_mutex_lock (&ss->send_lock);
  channel = ss->channel;
  ss->channel = NULL;
  g_mutex_unlock (&ss->send_lock);
  g_mutex_lock (&ss->self->lock);
  if (ss->counted) {
    ss->counted = FALSE;
    ss->self->live_outbound--;
  }
  g_mutex_unlock (&ss->self->lock);
  if (channel == NULL)
    return;
  g_signal_handler_disconnect (channel, ss->sig_data);
  g_signal_handler_disconnect (channel, ss->sig_close);
  g_signal_handler_disconnect (channel, ss->sig_error);
  g_signal_handler_disconnect (channel, ss->sig_low);
  if (ss->sig_open)
    g_signal_handler_disconnect (channel, ss->sig_open);
  gst_webrtc_data_channel_close (channel);
  /* Keep the channel object until the element stops: webrtcbin 1.22 goes
   * on using a closed channel from its appsrc's thread (an error message
   * posted there refs it), and crashes if our unref was the last. */
  g_mutex_lock (&ss->self->lock);
  g_ptr_array_add (ss->self->closed_channels, channel);
  g_mutex_unlock (&ss->self->lock);
}

/* ---- timers ---- */

static gboolean
ss_timer_cb (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer user_data)
{
  TimerData *td = user_data;
  Substream *ss = td->ss;
  GstLibp2pWebrtcBin *self = td->self;
  g_autoptr (GPtrArray) to_send =
      g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  g_mutex_lock (&self->lock);
  if (ss->timer != id) {
    g_mutex_unlock (&self->lock);
    return TRUE;
  }
  gst_clock_id_unref (ss->timer);
  ss->timer = NULL;
  if (ss->state == SS_OPEN) {
    Lp2pSubstreamActions act;

    /* @time is when the timer was due, never before the core's deadline */
    lp2p_substream_on_timeout (&ss->hc, MAX (now_us (),
            (gint64) (time / GST_USECOND)), &act);
    ss_handle_actions_locked (ss, &act, to_send);
  } else if (ss->state != SS_DONE) {
    ss_end_locked (ss, error_new (GST_LIBP2P_ERROR_TIMEOUT,
            "substream %u (%s) not negotiated within %" GST_TIME_FORMAT,
            ss->id, ss->protocol ? ss->protocol : "inbound",
            GST_TIME_ARGS (self->negotiation_timeout)),
        ss->state == SS_NEGOTIATING);
  }
  g_mutex_unlock (&self->lock);
  return TRUE;
}

/* ---- opening ---- */

static void
ss_create_channel (GstLibp2pWebrtcBin * self, Substream * ss)
{
  GstWebRTCDataChannel *channel = NULL;
  GstStructure *opts;
  GstElement *webrtc;

  g_mutex_lock (&self->lock);
  if (ss->state != SS_WAIT_CONNECT || self->webrtcbin == NULL) {
    g_mutex_unlock (&self->lock);
    return;
  }
  if (self->live_outbound >= MAX_LIVE_OUTBOUND) {
    ss_end_locked (ss, error_new (GST_LIBP2P_ERROR_TOO_MANY,
            "cannot open %s: %u substreams opened by this side are alive, "
            "webrtcbin has no SCTP stream for more", ss->protocol,
            self->live_outbound), FALSE);
    g_mutex_unlock (&self->lock);
    return;
  }
  self->live_outbound++;
  ss->counted = TRUE;
  webrtc = gst_object_ref (self->webrtcbin);
  g_mutex_unlock (&self->lock);

  /* Ordered (a byte stream on top); the label is unused by libp2p. */
  opts = gst_structure_new ("application/data-channel", "ordered",
      G_TYPE_BOOLEAN, TRUE, NULL);
  g_signal_emit_by_name (webrtc, "create-data-channel", "", opts, &channel);
  gst_structure_free (opts);
  gst_object_unref (webrtc);

  g_mutex_lock (&self->lock);
  if (channel == NULL) {
    ss->counted = FALSE;
    self->live_outbound--;
    ss_end_locked (ss, error_new (GST_LIBP2P_ERROR_NOT_CONNECTED,
            "webrtcbin refused to create a data channel for substream %u",
            ss->id), FALSE);
  } else if (ss->state != SS_WAIT_CONNECT) {
    g_mutex_unlock (&self->lock);
    gst_webrtc_data_channel_close (channel);
    g_object_unref (channel);
    return;
  } else {
    GstWebRTCDataChannelState ready = GST_WEBRTC_DATA_CHANNEL_STATE_CONNECTING;

    ss_attach_channel_locked (ss, channel);
    ss->state = SS_OPENING;
    /* the deadline runs from the channel's creation (litep2p) */
    ss_arm_timer_locked (ss, self->negotiation_timeout);
    GST_DEBUG_OBJECT (self, "substream %u: channel created for %s", ss->id,
        ss->protocol);
    g_mutex_unlock (&self->lock);
    /* On a connected association the channel may have opened (and emitted
     * on-open on webrtcbin's thread) before our handler was connected. */
    g_object_get (channel, "ready-state", &ready, NULL);
    if (ready == GST_WEBRTC_DATA_CHANNEL_STATE_OPEN)
      on_channel_open (channel, ss);
    g_object_unref (channel);
    return;
  }
  g_mutex_unlock (&self->lock);
  g_clear_object (&channel);
}

/* Creates an outbound substream proposing @proposals; key/n reserved at
 * once for a single proposal (@n from a requested pad, or -1).  Returns a
 * new reference, or NULL with @error for bad arguments. */
static Substream *
open_outbound_locked (GstLibp2pWebrtcBin * self, const gchar * const *proposals,
    gint n, GError ** error)
{
  g_autoptr (GError) err = NULL;
  Lp2pMss *mss;
  Substream *ss;
  gboolean lazy = self->lazy && proposals[0] && proposals[1] == NULL;

  mss = lp2p_mss_dialer_new (proposals, lazy, &err);
  if (mss == NULL) {
    g_set_error (error, GST_LIBP2P_ERROR, GST_LIBP2P_ERROR_INVALID_ARGUMENT,
        "%s", err->message);
    return NULL;
  }
  ss = ss_new_locked (self, TRUE);
  ss->mss = mss;
  ss->proposals = g_strdupv ((gchar **) proposals);
  ss->protocol = g_strdup (proposals[0]);
  ss->state = SS_WAIT_CONNECT;
  if (proposals[1] == NULL)
    ss_assign_key_locked (ss, proposals[0], n);
  /* the caller creates the channel at once when connected (no hop through
   * the worker: it costs open latency); else it waits for the connection */
  return ss_ref (ss);
}

/* A substream that fails before it exists (bad arguments, no connection):
 * gets an id and its report at once, in the caller's thread.  Called with
 * self->lock, releases it. */
static guint
report_failure_now_unlock (GstLibp2pWebrtcBin * self, const gchar * protocol,
    const GError * err)
{
  guint id = ++self->next_id;

  self->stat_failed++;
  g_mutex_unlock (&self->lock);
  GST_INFO_OBJECT (self, "substream %u: %s", id, err->message);
  g_signal_emit (self, signals[SIGNAL_SUBSTREAM_FAILED], 0, id, protocol, err);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self),
          gst_structure_new ("libp2p-substream-failed", "id", G_TYPE_UINT, id,
              "protocol", G_TYPE_STRING, protocol, "direction", G_TYPE_STRING,
              "outbound", "error", G_TYPE_ERROR, err, NULL)));
  return id;
}

static guint
gst_libp2p_webrtc_bin_open_substream (GstLibp2pWebrtcBin * self,
    const gchar * protocol, const gchar * const *fallbacks)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new ();
  g_autoptr (GError) err = NULL;
  Substream *ss;
  guint i, id;

  g_ptr_array_add (list, (gpointer) protocol);
  for (i = 0; fallbacks && fallbacks[i]; i++)
    g_ptr_array_add (list, (gpointer) fallbacks[i]);
  g_ptr_array_add (list, NULL);

  g_mutex_lock (&self->lock);
  if (!self->running || !self->connected) {
    /* Reported at once (DESIGN.md: opening on a connection that is not
     * connected fails at once). */
    err = error_new (GST_LIBP2P_ERROR_NOT_CONNECTED,
        "cannot open %s: the connection is not established",
        protocol ? protocol : "(null)");
    return report_failure_now_unlock (self, protocol, err);
  }
  ss = protocol ? open_outbound_locked (self,
      (const gchar * const *) list->pdata, -1, &err) : NULL;
  if (ss == NULL) {
    if (err == NULL)
      err = error_new (GST_LIBP2P_ERROR_INVALID_ARGUMENT, "no protocol given");
    return report_failure_now_unlock (self, protocol, err);
  }
  id = ss->id;
  g_mutex_unlock (&self->lock);
  ss_create_channel (self, ss);
  ss_unref (ss);
  return id;
}

/* ---- inbound ---- */

static void
on_data_channel (GstElement * webrtc, GstWebRTCDataChannel * channel,
    GstLibp2pWebrtcBin * self)
{
  gint id = -1;
  gboolean negotiated = FALSE;
  Substream *ss;

  g_object_get (channel, "id", &id, "negotiated", &negotiated, NULL);
  g_mutex_lock (&self->lock);
  if (!self->running || id == RESERVED_CHANNEL_ID || negotiated) {
    g_mutex_unlock (&self->lock);
    GST_DEBUG_OBJECT (self, "ignoring data channel %d", id);
    return;
  }
  ss = ss_new_locked (self, FALSE);
  ss->channel_id = id;
  ss->mss = lp2p_mss_listener_new ((const gchar * const *) self->protocols,
      accept_cb, ss);
  ss->state = SS_NEGOTIATING;
  ss_attach_channel_locked (ss, channel);
  ss_arm_timer_locked (ss, self->negotiation_timeout);
  GST_DEBUG_OBJECT (self, "channel %d: inbound substream %u", id, ss->id);
  g_mutex_unlock (&self->lock);
}

static void set_connected_locked (GstLibp2pWebrtcBin * self);
static void end_all_locked (GstLibp2pWebrtcBin * self, const gchar * why);
static void direct_fail (GstLibp2pWebrtcBin * self, gboolean auth,
    const gchar * fmt, ...) G_GNUC_PRINTF (3, 4);

static void
on_connection_state (GstElement * webrtc, GParamSpec * pspec,
    GstLibp2pWebrtcBin * self)
{
  GstWebRTCPeerConnectionState state;

  g_object_get (webrtc, "connection-state", &state, NULL);
  GST_DEBUG_OBJECT (self, "connection state %d", state);
  g_mutex_lock (&self->lock);
  /* A WebRTC-direct connection is up once Noise authenticated it. */
  if (state == GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED &&
      !self->connected && !self->direct) {
    set_connected_locked (self);
  } else if (state == GST_WEBRTC_PEER_CONNECTION_STATE_FAILED ||
      state == GST_WEBRTC_PEER_CONNECTION_STATE_CLOSED) {
    const gchar *how = state == GST_WEBRTC_PEER_CONNECTION_STATE_FAILED ?
        "failed" : "closed";
    gboolean direct_pending = self->direct && !self->connected &&
        !self->direct_failed && self->running;

    self->connected = FALSE;
    end_all_locked (self, how);
    if (direct_pending) {
      g_mutex_unlock (&self->lock);
      direct_fail (self, FALSE, "the connection to %s %s before it was "
          "authenticated", self->peer_address, how);
      return;
    }
  }
  g_mutex_unlock (&self->lock);
}

/* ---- WebRTC-direct dialer ----
 *
 * libp2p/specs webrtc/webrtc-direct.md, as a client: the offer is munged
 * (ufrag = pwd = libp2p+webrtc+v1/<random>, max-message-size 16384), the
 * server's answer made up from the multiaddr (ICE-lite, DTLS passive, the
 * certhash as fingerprint), and once channel 0 carries the server's first
 * Noise message we check the server's DTLS certificate against the
 * certhash and answer as the Noise responder.  Noise runs on the worker
 * (its X25519 and Ed25519 operations stay off webrtcbin's thread).  The
 * connection counts as connected, and substreams open, only after the
 * server's identity is proven (and equals /p2p/ when given). */

static void
set_connected_locked (GstLibp2pWebrtcBin * self)
{
  GHashTableIter it;
  gpointer v;

  self->connected = TRUE;
  g_hash_table_iter_init (&it, self->substreams);
  while (g_hash_table_iter_next (&it, NULL, &v))
    if (((Substream *) v)->state == SS_WAIT_CONNECT)
      schedule_locked (self, JOB_CREATE_CHANNEL, v);
}

/* Ends every substream (none can survive the connection). */
static void
end_all_locked (GstLibp2pWebrtcBin * self, const gchar * why)
{
  GHashTableIter it;
  gpointer v;

  g_hash_table_iter_init (&it, self->substreams);
  while (g_hash_table_iter_next (&it, NULL, &v))
    ss_end_locked (v, error_new (GST_LIBP2P_ERROR_NOT_CONNECTED,
            "the connection %s", why), FALSE);
}

static Lp2pIdentity *
ensure_identity_locked (GstLibp2pWebrtcBin * self)
{
  if (self->identity == NULL)
    self->identity = lp2p_identity_new (NULL);
  return self->identity;
}

/* The dial failed: every substream fails, and the pipeline gets an ERROR
 * (a dialer without its connection has nothing left to do). */
static void
direct_fail (GstLibp2pWebrtcBin * self, gboolean auth, const gchar * fmt,
    ...)
{
  va_list ap;
  g_autofree gchar *msg = NULL;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_mutex_lock (&self->lock);
  if (self->direct_failed || self->connected || !self->running) {
    g_mutex_unlock (&self->lock);
    return;
  }
  self->direct_failed = TRUE;
  timer_cancel (&self->connect_timer);
  end_all_locked (self, "was not established");
  g_mutex_unlock (&self->lock);
  GST_WARNING_OBJECT (self, "%s", msg);
  if (auth)
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_AUTHORIZED, ("%s", msg),
        ("WebRTC-direct dial of %s", self->peer_address));
  else
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ_WRITE, ("%s", msg),
        ("WebRTC-direct dial of %s", self->peer_address));
}

static gboolean
connect_timer_cb (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer user_data)
{
  GstLibp2pWebrtcBin *self = user_data;
  GstWebRTCICEConnectionState ice = GST_WEBRTC_ICE_CONNECTION_STATE_NEW;
  GstWebRTCPeerConnectionState pc = GST_WEBRTC_PEER_CONNECTION_STATE_NEW;
  g_autofree gchar *stage = NULL;
  guint rx;

  g_mutex_lock (&self->lock);
  if (self->connect_timer != id) {
    g_mutex_unlock (&self->lock);
    return TRUE;
  }
  gst_clock_id_unref (self->connect_timer);
  self->connect_timer = NULL;
  rx = self->noise_rx;
  g_mutex_unlock (&self->lock);

  g_object_get (self->webrtcbin, "ice-connection-state", &ice,
      "connection-state", &pc, NULL);
  if (self->addr.family == 0)
    stage = g_strdup_printf ("'%s' was not resolved", self->addr.name);
  else if (ice != GST_WEBRTC_ICE_CONNECTION_STATE_CONNECTED &&
      ice != GST_WEBRTC_ICE_CONNECTION_STATE_COMPLETED)
    stage = g_strdup_printf ("no ICE connectivity to %s port %u (is a "
        "WebRTC-direct node listening there?)", self->addr.host,
        self->addr.port);
  else if (pc != GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED)
    stage = g_strdup ("ICE connected but DTLS did not");
  else
    stage = g_strdup_printf ("the Noise handshake did not finish (%u "
        "message%s from the node)", rx, rx == 1 ? "" : "s");
  direct_fail (self, FALSE, "could not connect to %s within %"
      GST_TIME_FORMAT ": %s", self->peer_address,
      GST_TIME_ARGS (self->connect_timeout), stage);
  return TRUE;
}

/* webrtcbin 1.22 does not check the remote certificate against the SDP
 * fingerprint; we do, so a wrong certhash is named as such instead of
 * showing up as a failed Noise handshake (the prologue binds the certhash
 * too, so nothing gets through either way). */
static gboolean
check_remote_certificate (GstLibp2pWebrtcBin * self, gchar ** why)
{
  GObject *sctp = NULL, *dtls = NULL;
  g_autofree gchar *pem = NULL;
  guint8 fp[32];

  g_object_get (self->webrtcbin, "sctp-transport", &sctp, NULL);
  if (sctp) {
    g_object_get (sctp, "transport", &dtls, NULL);
    g_object_unref (sctp);
  }
  if (dtls) {
    g_object_get (dtls, "remote-certificate", &pem, NULL);
    g_object_unref (dtls);
  }
  if (!lp2p_certificate_pem_fingerprint (pem, fp)) {
    GST_WARNING_OBJECT (self, "cannot read the server's DTLS certificate; "
        "the Noise prologue still checks the certhash");
    return TRUE;
  }
  if (memcmp (fp, self->addr.certhash, 32) != 0) {
    g_autofree gchar *got = lp2p_certhash_encode (fp);
    g_autofree gchar *want = lp2p_certhash_encode (self->addr.certhash);

    *why = g_strdup_printf ("the node at %s port %u has a DTLS certificate "
        "with certhash %s, not %s as peer-address says", self->addr.host,
        self->addr.port, got, want);
    return FALSE;
  }
  return TRUE;
}

static void
direct_connected (GstLibp2pWebrtcBin * self, const Lp2pPeerId * remote)
{
  g_autofree gchar *peer = lp2p_peer_id_to_string (remote);
  g_autofree gchar *local = NULL;

  g_mutex_lock (&self->lock);
  if (!self->running || self->direct_failed) {
    g_mutex_unlock (&self->lock);
    return;
  }
  timer_cancel (&self->connect_timer);
  g_free (self->remote_peer_id);
  self->remote_peer_id = g_strdup (peer);
  local = lp2p_peer_id_to_string (lp2p_identity_get_peer_id (self->identity));
  set_connected_locked (self);
  g_mutex_unlock (&self->lock);
  GST_INFO_OBJECT (self, "connected to %s, authenticated as %s",
      self->peer_address, peer);
  g_object_notify (G_OBJECT (self), "remote-peer-id");
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self),
          gst_structure_new ("libp2p-connected", "peer-address",
              G_TYPE_STRING, self->peer_address, "remote-peer-id",
              G_TYPE_STRING, peer, "peer-id", G_TYPE_STRING, local, NULL)));
}

static void
job_noise (GstLibp2pWebrtcBin * self, GBytes * data)
{
  g_autoptr (GPtrArray) out =
      g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GError) err = NULL;
  g_autofree gchar *why = NULL;
  GstWebRTCDataChannel *ch0 = NULL;
  Lp2pDirectStatus status;
  Lp2pPeerId remote;
  gboolean check;
  gsize len;
  const guint8 *d = g_bytes_get_data (data, &len);
  guint i;

  g_mutex_lock (&self->lock);
  if (self->noise == NULL || self->direct_failed || !self->running) {
    g_mutex_unlock (&self->lock);
    return;
  }
  check = !self->cert_checked;
  self->cert_checked = TRUE;
  g_mutex_unlock (&self->lock);
  if (check && !check_remote_certificate (self, &why)) {
    direct_fail (self, TRUE, "%s", why);
    return;
  }

  g_mutex_lock (&self->lock);
  if (self->noise == NULL) {
    g_mutex_unlock (&self->lock);
    return;
  }
  self->noise_rx++;
  status = lp2p_direct_noise_feed (self->noise, d, len, out, &err);
  if (status == LP2P_DIRECT_DONE)
    remote = *lp2p_direct_noise_get_remote_peer_id (self->noise);
  if (self->channel0)
    ch0 = g_object_ref (self->channel0);
  g_mutex_unlock (&self->lock);

  for (i = 0; ch0 && i < out->len; i++)
    gst_webrtc_data_channel_send_data (ch0, g_ptr_array_index (out, i));
  g_clear_object (&ch0);
  if (status == LP2P_DIRECT_DONE)
    direct_connected (self, &remote);
  else if (status == LP2P_DIRECT_FAILED)
    direct_fail (self, err->code != LP2P_DIRECT_ERROR_CLOSED &&
        err->code != LP2P_DIRECT_ERROR_FRAME, "WebRTC-direct handshake "
        "with %s failed: %s", self->peer_address, err->message);
}

static void
on_ch0_message_data (GstWebRTCDataChannel * channel, GBytes * data,
    GstLibp2pWebrtcBin * self)
{
  Job *job;

  g_mutex_lock (&self->lock);
  if (self->running && self->worker && self->noise && !self->connected &&
      !self->direct_failed) {
    job = g_new0 (Job, 1);
    job->type = JOB_NOISE;
    job->data = g_bytes_ref (data);
    g_thread_pool_push (self->worker, job, NULL);
  }
  /* after the handshake channel 0 stays open and idle: whatever arrives on
   * it (rust-libp2p sends FIN) is dropped */
  g_mutex_unlock (&self->lock);
}

static void
direct_set_description (GstLibp2pWebrtcBin * self, GstWebRTCSDPType type,
    const gchar * text, GstPromise * promise)
{
  GstSDPMessage *sdp = NULL;
  GstWebRTCSessionDescription *desc;

  gst_sdp_message_new_from_text (text, &sdp);
  desc = gst_webrtc_session_description_new (type, sdp);
  g_signal_emit_by_name (self->webrtcbin, type == GST_WEBRTC_SDP_TYPE_OFFER ?
      "set-local-description" : "set-remote-description", desc, promise);
  gst_webrtc_session_description_free (desc);
}

/* Reply of set-local/remote-description: NULL or the error text. */
static gchar *
promise_error (GstPromise * promise)
{
  const GstStructure *reply;
  GError *err = NULL;
  gchar *msg = NULL;

  if (gst_promise_wait (promise) != GST_PROMISE_RESULT_REPLIED)
    return g_strdup ("interrupted");
  reply = gst_promise_get_reply (promise);
  if (reply && gst_structure_has_field (reply, "error")) {
    gst_structure_get (reply, "error", G_TYPE_ERROR, &err, NULL);
    msg = g_strdup (err ? err->message : "unknown error");
    g_clear_error (&err);
  }
  return msg;
}

static void
on_remote_set (GstPromise * promise, gpointer user_data)
{
  GstLibp2pWebrtcBin *self = user_data;
  g_autofree gchar *err = promise_error (promise);

  gst_promise_unref (promise);
  if (err)
    direct_fail (self, FALSE, "webrtcbin refused the answer made from %s: "
        "%s", self->peer_address, err);
}

typedef struct
{
  GstLibp2pWebrtcBin *self;
  gchar *answer;
} LocalSet;

static void
local_set_free (gpointer p)
{
  LocalSet *ls = p;

  gst_object_unref (ls->self);
  g_free (ls->answer);
  g_free (ls);
}

static void
on_local_set (GstPromise * promise, gpointer user_data)
{
  LocalSet *ls = user_data;
  GstLibp2pWebrtcBin *self = ls->self;
  g_autofree gchar *err = promise_error (promise);

  gst_promise_unref (promise);
  if (err) {
    direct_fail (self, FALSE, "webrtcbin refused our munged offer: %s", err);
    return;
  }
  direct_set_description (self, GST_WEBRTC_SDP_TYPE_ANSWER, ls->answer,
      gst_promise_new_with_change_func (on_remote_set,
          gst_object_ref (self), gst_object_unref));
}

static void
on_offer_created (GstPromise * promise, gpointer user_data)
{
  GstLibp2pWebrtcBin *self = user_data;
  const GstStructure *reply = gst_promise_get_reply (promise);
  GstWebRTCSessionDescription *offer = NULL;
  g_autofree gchar *text = NULL;
  g_autofree gchar *ufrag = NULL;
  g_autoptr (GError) err = NULL;
  Lp2pMungedOffer m;
  guint8 rnd[LP2P_UFRAG_RANDOM_LEN];
  Lp2pDirectNoise *noise;
  LocalSet *ls;

  if (reply)
    gst_structure_get (reply, "offer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION,
        &offer, NULL);
  gst_promise_unref (promise);
  if (offer == NULL) {
    direct_fail (self, FALSE, "webrtcbin made no offer");
    return;
  }
  text = gst_sdp_message_as_text (offer->sdp);
  gst_webrtc_session_description_free (offer);
  if (RAND_bytes (rnd, sizeof (rnd)) != 1) {
    direct_fail (self, FALSE, "OpenSSL's random generator failed");
    return;
  }
  ufrag = lp2p_ufrag_new (rnd);
  if (!lp2p_sdp_munge_offer (text, ufrag, &m, &err)) {
    direct_fail (self, FALSE, "%s", err->message);
    return;
  }

  g_mutex_lock (&self->lock);
  noise = lp2p_direct_noise_new (FALSE, ensure_identity_locked (self),
      m.fingerprint, self->addr.certhash, self->addr.has_peer_id ?
      &self->addr.peer_id : NULL, NULL, NULL, &err);
  if (noise) {
    lp2p_direct_noise_free (self->noise);
    self->noise = noise;
  }
  g_mutex_unlock (&self->lock);
  if (noise == NULL) {
    lp2p_munged_offer_clear (&m);
    direct_fail (self, FALSE, "%s", err->message);
    return;
  }

  GST_DEBUG_OBJECT (self, "munged offer:\n%s", m.sdp);
  ls = g_new0 (LocalSet, 1);
  ls->self = gst_object_ref (self);
  ls->answer = lp2p_sdp_server_answer (&self->addr, ufrag, m.mid, m.bundle);
  GST_DEBUG_OBJECT (self, "answer made from %s:\n%s", self->peer_address,
      ls->answer);
  direct_set_description (self, GST_WEBRTC_SDP_TYPE_OFFER, m.sdp,
      gst_promise_new_with_change_func (on_local_set, ls, local_set_free));
  lp2p_munged_offer_clear (&m);
}

/* libnice does not gather loopback addresses: for a node on this host,
 * offer exactly the matching loopback address (and no UPnP). */
static void
direct_configure_ice (GstLibp2pWebrtcBin * self)
{
  GstWebRTCICE *ice = NULL;
  GObject *agent = NULL;
  gboolean ok = FALSE;

  g_object_get (self->webrtcbin, "ice-agent", &ice, NULL);
  if (ice == NULL)
    return;
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "agent"))
    g_object_get (ice, "agent", &agent, NULL);
  if (agent) {
    /* libnice 0.1.21: binding requests (not indications) as keepalives go
     * out every 4-6 s (RFC 7675 pacing) instead of every 25 s; litep2p's
     * ICE-lite agent drops a pair after 15 s without a request. */
    if (g_object_class_find_property (G_OBJECT_GET_CLASS (agent),
            "keepalive-conncheck"))
      g_object_set (agent, "keepalive-conncheck", TRUE, NULL);
    if (lp2p_webrtc_direct_addr_is_loopback (&self->addr))
      g_object_set (agent, "upnp", FALSE, NULL);
    g_object_unref (agent);
  }
  if (lp2p_webrtc_direct_addr_is_loopback (&self->addr)) {
    g_signal_emit_by_name (ice, "add-local-ip-address",
        self->addr.family == 4 ? "127.0.0.1" : "::1", &ok);
    if (!ok)
      GST_WARNING_OBJECT (self, "could not add the loopback address");
  }
  gst_object_unref (ice);
}

static void
direct_dial (GstLibp2pWebrtcBin * self)
{
  direct_configure_ice (self);
  GST_INFO_OBJECT (self, "dialing %s (%s port %u)", self->peer_address,
      self->addr.host, self->addr.port);
  g_signal_emit_by_name (self->webrtcbin, "create-offer", NULL,
      gst_promise_new_with_change_func (on_offer_created,
          gst_object_ref (self), gst_object_unref));
}

/* /dns, /dns4, /dns6: the SDP needs an address.  Runs on the worker (the
 * system resolver blocks); the connect timer bounds it like the rest. */
static void
job_resolve (GstLibp2pWebrtcBin * self)
{
  g_autoptr (GResolver) resolver = g_resolver_get_default ();
  g_autoptr (GError) err = NULL;
  GResolverNameLookupFlags flags = self->addr.name_family == 4 ?
      G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY : self->addr.name_family == 6 ?
      G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY :
      G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT;
  GList *list;
  GInetAddress *ia;
  gboolean go;

  list = g_resolver_lookup_by_name_with_flags (resolver, self->addr.name,
      flags, NULL, &err);
  if (list == NULL) {
    direct_fail (self, FALSE, "cannot resolve '%s' of %s: %s",
        self->addr.name, self->peer_address, err->message);
    return;
  }
  ia = list->data;
  g_mutex_lock (&self->lock);
  go = self->running && !self->direct_failed;
  if (go)
    lp2p_webrtc_direct_addr_set_ip (&self->addr,
        g_inet_address_get_family (ia) == G_SOCKET_FAMILY_IPV4 ? 4 : 6,
        g_inet_address_to_bytes (ia));
  g_mutex_unlock (&self->lock);
  g_resolver_free_addresses (list);
  if (go) {
    GST_INFO_OBJECT (self, "%s is %s", self->addr.name, self->addr.host);
    direct_dial (self);
  }
}

static void
direct_start (GstLibp2pWebrtcBin * self)
{
  self->sig_ch0_data = g_signal_connect (self->channel0, "on-message-data",
      G_CALLBACK (on_ch0_message_data), self);
  g_mutex_lock (&self->lock);
  ensure_identity_locked (self);
  self->connect_timer = timer_start (self->connect_timeout, connect_timer_cb,
      gst_object_ref (self), gst_object_unref);
  if (self->addr.has_name) {
    Job *job = g_new0 (Job, 1);

    job->type = JOB_RESOLVE;
    g_thread_pool_push (self->worker, job, NULL);
  }
  g_mutex_unlock (&self->lock);
  if (!self->addr.has_name)
    direct_dial (self);
}

static void
direct_stop (GstLibp2pWebrtcBin * self)
{
  g_mutex_lock (&self->lock);
  timer_cancel (&self->connect_timer);
  g_clear_pointer (&self->noise, lp2p_direct_noise_free);
  g_mutex_unlock (&self->lock);
  if (self->sig_ch0_data && self->channel0)
    g_signal_handler_disconnect (self->channel0, self->sig_ch0_data);
  self->sig_ch0_data = 0;
}

/* ---- src pads ---- */

static void
src_loop (GstPad * pad)
{
  GstLibp2pPad *lpad = GST_LIBP2P_PAD (pad);
  Substream *ss = lpad->substream;
  GstLibp2pWebrtcBin *self = ss->self;
  gpointer item;
  GstFlowReturn ret;

  g_mutex_lock (&self->lock);
  while (g_queue_is_empty (&ss->queue) && !ss->src_flushing)
    g_cond_wait (&ss->src_cond, &self->lock);
  if (ss->src_flushing) {
    g_mutex_unlock (&self->lock);
    gst_pad_pause_task (pad);
    return;
  }
  item = g_queue_pop_head (&ss->queue);
  if (item != EOS_MARKER)
    ss->queued_bytes -= gst_buffer_get_size (item);
  g_mutex_unlock (&self->lock);

  if (item == EOS_MARKER) {
    gst_pad_push_event (pad, gst_event_new_eos ());
    g_mutex_lock (&self->lock);
    ss->src_done = TRUE;
    /* Nobody writes on this substream: finish our half too. */
    if (ss->sinkpad == NULL)
      ss_finish_write_locked (ss);
    ss_maybe_remove_locked (ss);
    g_mutex_unlock (&self->lock);
    gst_pad_pause_task (pad);
    return;
  }

  ret = gst_pad_push (pad, item);
  if (ret == GST_FLOW_OK || ret == GST_FLOW_NOT_LINKED)
    return;
  if (ret == GST_FLOW_FLUSHING) {
    gst_pad_pause_task (pad);
    return;
  }
  g_mutex_lock (&self->lock);
  if (ss->state == SS_OPEN) {
    if (ret == GST_FLOW_EOS) {
      Lp2pSubstreamActions act;

      /* Downstream wants no more: tell the remote to stop sending. */
      lp2p_substream_stop_reading (&ss->hc, &act);
      g_mutex_unlock (&self->lock);
      ss_send_flag (ss, act.send_flag);
      g_mutex_lock (&self->lock);
      if (act.close_channel)
        ss_end_locked (ss, NULL, FALSE);
    } else {
      ss_end_locked (ss, error_new (GST_LIBP2P_ERROR_CLOSED,
              "downstream of substream %u failed: %s", ss->id,
              gst_flow_get_name (ret)), TRUE);
    }
  }
  ss->src_done = TRUE;
  ss_maybe_remove_locked (ss);
  g_mutex_unlock (&self->lock);
  gst_pad_pause_task (pad);
}

static gboolean
src_activate_mode (GstPad * pad, GstObject * parent, GstPadMode mode,
    gboolean active)
{
  GstLibp2pPad *lpad = GST_LIBP2P_PAD (pad);
  Substream *ss = lpad->substream;
  /* activated before it is added: no parent yet */
  GstLibp2pWebrtcBin *self = ss->self;

  if (mode != GST_PAD_MODE_PUSH)
    return FALSE;
  g_mutex_lock (&self->lock);
  ss->src_flushing = !active;
  g_cond_broadcast (&ss->src_cond);
  g_mutex_unlock (&self->lock);
  if (!active)
    return gst_pad_stop_task (pad);
  return TRUE;
}

static gboolean
src_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  if (GST_QUERY_TYPE (query) == GST_QUERY_SCHEDULING) {
    gst_query_set_scheduling (query, GST_SCHEDULING_FLAG_SEQUENTIAL, 1, -1, 0);
    gst_query_add_scheduling_mode (query, GST_PAD_MODE_PUSH);
    return TRUE;
  }
  return gst_pad_query_default (pad, parent, query);
}

/* ---- sink pads ---- */

/* Waits until @ss may carry data or has ended.  Returns GST_FLOW_OK when
 * writable.  Called with self->lock. */
static GstFlowReturn
sink_wait_writable_locked (GstLibp2pWebrtcBin * self, GstPad * pad,
    Substream * ss)
{
  for (;;) {
    if (GST_PAD_IS_FLUSHING (pad))
      return GST_FLOW_FLUSHING;
    if (ss->state == SS_OPEN)
      return lp2p_substream_can_write (&ss->hc) ? GST_FLOW_OK : GST_FLOW_EOS;
    if (ss->state == SS_NEGOTIATING && ss->neg_sent &&
        lp2p_mss_is_writable (ss->mss))
      return GST_FLOW_OK;
    if (ss->state == SS_DONE)
      return ss->was_open ? GST_FLOW_EOS : GST_FLOW_ERROR;
    /* bounded: the negotiation timer ends the substream */
    g_cond_wait (&self->cond, &self->lock);
  }
}

/* The substream of a sink pad, waiting while the pad is not bound yet.
 * Returns a reference, or NULL when flushing. */
static Substream *
sink_get_substream_locked (GstLibp2pWebrtcBin * self, GstPad * pad)
{
  GstLibp2pPad *lpad = GST_LIBP2P_PAD (pad);

  while (lpad->substream == NULL && !GST_PAD_IS_FLUSHING (pad))
    g_cond_wait (&self->cond, &self->lock);
  return lpad->substream ? ss_ref (lpad->substream) : NULL;
}

static GstFlowReturn
sink_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  GstLibp2pWebrtcBin *self = GST_LIBP2P_WEBRTC_BIN (parent);
  Substream *ss;
  GstFlowReturn ret;
  GstMapInfo map;
  gsize chunk, off = 0;

  g_mutex_lock (&self->lock);
  ss = sink_get_substream_locked (self, pad);
  if (ss == NULL) {
    g_mutex_unlock (&self->lock);
    gst_buffer_unref (buf);
    return GST_FLOW_FLUSHING;
  }
  ret = sink_wait_writable_locked (self, pad, ss);
  chunk = lp2p_frame_max_payload (self->max_frame_size);
  g_mutex_unlock (&self->lock);
  if (ret != GST_FLOW_OK) {
    if (ret == GST_FLOW_ERROR)
      GST_INFO_OBJECT (pad, "substream %u failed: %s", ss->id,
          ss->error ? ss->error->message : "unknown");
    ss_unref (ss);
    gst_buffer_unref (buf);
    return ret;
  }

  if (!gst_buffer_map (buf, &map, GST_MAP_READ)) {
    ss_unref (ss);
    gst_buffer_unref (buf);
    return GST_FLOW_ERROR;
  }
  while (off < map.size && ret == GST_FLOW_OK) {
    gsize n = MIN (chunk, map.size - off);
    g_autoptr (GBytes) frame = lp2p_frame_encode (LP2P_FLAG_NONE,
        map.data + off, n);
    g_autoptr (GError) err = NULL;
    guint64 amount = 0;

    /* Backpressure: wait while the channel holds too much. */
    for (;;) {
      GstWebRTCDataChannel *ch = NULL;

      g_mutex_lock (&ss->send_lock);
      if (ss->channel)
        ch = g_object_ref (ss->channel);
      g_mutex_unlock (&ss->send_lock);
      if (ch) {
        g_object_get (ch, "buffered-amount", &amount, NULL);
        g_object_unref (ch);
      }
      g_mutex_lock (&self->lock);
      ret = sink_wait_writable_locked (self, pad, ss);
      if (ret != GST_FLOW_OK || ch == NULL || amount <= self->send_high_water) {
        g_mutex_unlock (&self->lock);
        break;
      }
      g_cond_wait_until (&self->cond, &self->lock,
          g_get_monotonic_time () + BACKPRESSURE_POLL);
      g_mutex_unlock (&self->lock);
    }
    if (ret != GST_FLOW_OK)
      break;
    g_mutex_lock (&ss->send_lock);
    if (!ss_send_frame_unlocked (ss, frame, &err)) {
      g_mutex_unlock (&ss->send_lock);
      GST_INFO_OBJECT (pad, "send failed: %s", err->message);
      g_mutex_lock (&self->lock);
      ss_end_locked (ss, error_new (GST_LIBP2P_ERROR_CLOSED,
              "sending on substream %u failed: %s", ss->id, err->message),
          FALSE);
      g_mutex_unlock (&self->lock);
      ret = GST_FLOW_ERROR;
      break;
    }
    g_mutex_unlock (&ss->send_lock);
    off += n;
    g_mutex_lock (&self->lock);
    ss->bytes_out += n;
    self->stat_bytes_out += n;
    g_mutex_unlock (&self->lock);
  }
  gst_buffer_unmap (buf, &map);
  gst_buffer_unref (buf);
  ss_unref (ss);
  return ret;
}

/* EOS or release: our write half is done: FIN, then FIN_ACK awaited. */
static void
sink_finish_write (GstLibp2pWebrtcBin * self, GstPad * pad, Substream * ss)
{
  GstFlowReturn ret;

  g_mutex_lock (&self->lock);
  ret = sink_wait_writable_locked (self, pad, ss);
  if (ret != GST_FLOW_OK) {
    g_mutex_unlock (&self->lock);
    return;
  }
  if (ss->state == SS_NEGOTIATING) {
    /* Lazy dial: FIN must follow the negotiation, wait for its end. */
    while (ss->state == SS_NEGOTIATING && !GST_PAD_IS_FLUSHING (pad))
      g_cond_wait (&self->cond, &self->lock);
    if (ss->state != SS_OPEN) {
      g_mutex_unlock (&self->lock);
      return;
    }
  }
  ss_finish_write_locked (ss);
  g_mutex_unlock (&self->lock);
}

static gboolean
sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstLibp2pWebrtcBin *self = GST_LIBP2P_WEBRTC_BIN (parent);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_EOS:{
      Substream *ss;

      g_mutex_lock (&self->lock);
      ss = sink_get_substream_locked (self, pad);
      g_mutex_unlock (&self->lock);
      if (ss) {
        sink_finish_write (self, pad, ss);
        ss_unref (ss);
      }
      gst_event_unref (event);
      return TRUE;
    }
    default:
      /* A byte stream: no other event crosses to the remote, and none may
       * be forwarded to our src pads (an echo links them back to us). */
      gst_event_unref (event);
      return TRUE;
  }
}

/* Our pads have no internal links: what flows in one substream is not
 * related to any other pad (default forwarding would loop through an
 * echo that links a src pad back to a sink pad). */
static GstIterator *
no_internal_links (GstPad * pad, GstObject * parent)
{
  return gst_iterator_new_single (GST_TYPE_PAD, NULL);
}

static gboolean
src_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  /* upstream events (QoS, reconfigure, seeks) mean nothing here */
  gst_event_unref (event);
  return FALSE;
}

static gboolean
sink_activate_mode (GstPad * pad, GstObject * parent, GstPadMode mode,
    gboolean active)
{
  GstLibp2pWebrtcBin *self = GST_LIBP2P_WEBRTC_BIN (parent);

  if (!active) {
    /* Wake a chain waiting for the negotiation or for buffer room. */
    g_mutex_lock (&self->lock);
    g_cond_broadcast (&self->cond);
    g_mutex_unlock (&self->lock);
  }
  return mode == GST_PAD_MODE_PUSH;
}

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
  if (!key_is_valid (*key)) {
    g_clear_pointer (key, g_free);
    return FALSE;
  }
  *n = (gint) v;
  return TRUE;
}

static void
pad_set_from_substream_locked (GstLibp2pPad * lpad, Substream * ss)
{
  lpad->substream = ss;
  gst_libp2p_pad_set_info (lpad, ss->protocol, ss->outbound ?
      GST_LIBP2P_DIRECTION_OUTBOUND : GST_LIBP2P_DIRECTION_INBOUND,
      ss->channel_id, ss->id);
}

static GstPad *
gst_libp2p_webrtc_bin_request_new_pad (GstElement * element,
    GstPadTemplate * templ, const gchar * name, const GstCaps * caps)
{
  GstLibp2pWebrtcBin *self = GST_LIBP2P_WEBRTC_BIN (element);
  g_autofree gchar *key = NULL;
  GstLibp2pPad *lpad;
  Substream *ss, *dial = NULL;
  gint n;

  if (!parse_sink_name (name, &key, &n)) {
    GST_WARNING_OBJECT (self, "request pads are named sink_<key>_<n>, "
        "e.g. sink_echo-1-0-0_0; '%s' is not", name ? name : "(null)");
    return NULL;
  }

  lpad = g_object_new (GST_TYPE_LIBP2P_PAD, "name", name, "direction",
      GST_PAD_SINK, "template", templ, NULL);
  gst_pad_set_chain_function (GST_PAD (lpad), sink_chain);
  gst_pad_set_event_function (GST_PAD (lpad), sink_event);
  gst_pad_set_activatemode_function (GST_PAD (lpad), sink_activate_mode);
  gst_pad_set_iterate_internal_links_function (GST_PAD (lpad),
      no_internal_links);

  g_mutex_lock (&self->lock);
  ss = find_substream_locked (self, key, n);
  if (ss && ss->sinkpad) {
    g_mutex_unlock (&self->lock);
    GST_WARNING_OBJECT (self, "%s is already requested", name);
    gst_object_unref (lpad);
    return NULL;
  }
  if (ss == NULL && !key_n_reserved_locked (self, key, n) &&
      self->dial_on_request) {
    const gchar *proto = NULL;
    const gchar *list[2] = { NULL, NULL };
    guint i;

    for (i = 0; self->protocols && self->protocols[i]; i++) {
      g_autofree gchar *k = protocol_key (self->protocols[i]);

      if (g_str_equal (k, key))
        proto = self->protocols[i];
    }
    if (proto == NULL) {
      g_mutex_unlock (&self->lock);
      GST_WARNING_OBJECT (self, "no protocol in 'protocols' has the key "
          "'%s' of pad %s", key, name);
      gst_object_unref (lpad);
      return NULL;
    }
    list[0] = proto;
    ss = open_outbound_locked (self, list, n, NULL);
    if (ss) {
      dial = self->connected ? ss_ref (ss) : NULL;
      ss_unref (ss);            /* the table keeps it */
    }
  }
  if (ss) {
    pad_set_from_substream_locked (lpad, ss);
    ss->sinkpad = GST_PAD (lpad);
  } else {
    self->waiting_pads = g_list_prepend (self->waiting_pads, lpad);
  }
  g_mutex_unlock (&self->lock);

  gst_element_add_pad (element, GST_PAD (lpad));
  if (dial) {
    /* connected already: open now (else when the connection comes up) */
    ss_create_channel (self, dial);
    ss_unref (dial);
  }
  return GST_PAD (lpad);
}

static void
gst_libp2p_webrtc_bin_release_pad (GstElement * element, GstPad * pad)
{
  GstLibp2pWebrtcBin *self = GST_LIBP2P_WEBRTC_BIN (element);
  GstLibp2pPad *lpad = GST_LIBP2P_PAD (pad);
  Substream *ss = NULL;

  g_mutex_lock (&self->lock);
  self->waiting_pads = g_list_remove (self->waiting_pads, pad);
  if (lpad->substream) {
    ss = ss_ref (lpad->substream);
    if (ss->sinkpad == pad)
      ss->sinkpad = NULL;
  }
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  if (ss) {
    /* the writer is gone: FIN */
    g_mutex_lock (&self->lock);
    ss_finish_write_locked (ss);
    g_mutex_unlock (&self->lock);
    ss_unref (ss);
  }
  gst_element_remove_pad (element, pad);
}

/* ---- worker jobs ---- */

static void
post_substream_message (GstLibp2pWebrtcBin * self, const gchar * name,
    Substream * ss, const GError * error)
{
  GstStructure *s = gst_structure_new (name, "id", G_TYPE_UINT, ss->id,
      "protocol", G_TYPE_STRING, ss->protocol, "direction", G_TYPE_STRING,
      ss->outbound ? "outbound" : "inbound", "channel-id", G_TYPE_INT,
      ss->channel_id, NULL);

  if (ss->srcpad)
    gst_structure_set (s, "src-pad", G_TYPE_STRING, GST_PAD_NAME (ss->srcpad),
        NULL);
  if (error)
    gst_structure_set (s, "error", G_TYPE_ERROR, error, NULL);
  gst_structure_set (s, "bytes-in", G_TYPE_UINT64, ss->bytes_in, "bytes-out",
      G_TYPE_UINT64, ss->bytes_out, NULL);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));
}

static void
job_expose (GstLibp2pWebrtcBin * self, Substream * ss)
{
  GstPadTemplate *templ;
  GstLibp2pPad *lpad;
  g_autofree gchar *name = NULL;
  g_autofree gchar *stream_id = NULL;
  GstCaps *caps;
  GList *l;

  g_mutex_lock (&self->lock);
  if (!self->running) {
    g_mutex_unlock (&self->lock);
    return;
  }
  name = g_strdup_printf ("src_%s_%d", ss->key, ss->n);
  templ = gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (self),
      "src_%s");
  lpad = g_object_new (GST_TYPE_LIBP2P_PAD, "name", name, "direction",
      GST_PAD_SRC, "template", templ, NULL);
  pad_set_from_substream_locked (lpad, ss);
  gst_pad_set_activatemode_function (GST_PAD (lpad), src_activate_mode);
  gst_pad_set_query_function (GST_PAD (lpad), src_query);
  gst_pad_set_event_function (GST_PAD (lpad), src_event);
  gst_pad_set_iterate_internal_links_function (GST_PAD (lpad),
      no_internal_links);
  gst_pad_use_fixed_caps (GST_PAD (lpad));
  ss->srcpad = GST_PAD (lpad);

  /* Bind a requested sink pad waiting for this substream. */
  if (ss->sinkpad == NULL) {
    g_autofree gchar *want = g_strdup_printf ("sink_%s_%d", ss->key, ss->n);

    for (l = self->waiting_pads; l; l = l->next) {
      if (g_str_equal (GST_PAD_NAME (l->data), want)) {
        ss->sinkpad = l->data;
        self->waiting_pads = g_list_delete_link (self->waiting_pads, l);
        break;
      }
    }
  }
  if (ss->sinkpad)
    pad_set_from_substream_locked (GST_LIBP2P_PAD (ss->sinkpad), ss);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  gst_pad_set_active (GST_PAD (lpad), TRUE);
  /* (gst_pad_create_stream_id() wants at most one sink pad on the element:
   * we have one per substream) */
  stream_id = g_strdup_printf ("libp2p/%08x/%u", self->stream_id_base, ss->id);
  gst_pad_push_event (GST_PAD (lpad), gst_event_new_stream_start (stream_id));
  caps = gst_caps_new_simple ("application/x-libp2p-stream", "protocol",
      G_TYPE_STRING, ss->protocol, NULL);
  gst_pad_push_event (GST_PAD (lpad), gst_event_new_caps (caps));
  gst_caps_unref (caps);
  {
    GstSegment seg;

    gst_segment_init (&seg, GST_FORMAT_BYTES);
    gst_pad_push_event (GST_PAD (lpad), gst_event_new_segment (&seg));
  }
  /* pad-added handlers link the pad (gst-launch does so); the task starts
   * once they returned, so the first buffer finds the link. */
  gst_element_add_pad (GST_ELEMENT (self), GST_PAD (lpad));
  g_signal_emit (self, signals[SIGNAL_SUBSTREAM_OPENED], 0, ss->id,
      ss->protocol, lpad);
  post_substream_message (self, "libp2p-substream-opened", ss, NULL);

  g_mutex_lock (&self->lock);
  if (!ss->src_flushing) {
    ss->src_started = TRUE;
    gst_pad_start_task (GST_PAD (lpad), (GstTaskFunction) src_loop, lpad,
        NULL);
  }
  g_mutex_unlock (&self->lock);
  GST_DEBUG_OBJECT (self, "channel %d: exposed %s", ss->channel_id, name);
}

static void
job_end (GstLibp2pWebrtcBin * self, Substream * ss)
{
  if (ss->send_reset) {
    ss_send_flag (ss, LP2P_FLAG_RESET_STREAM);
  }
  ss_detach_channel (ss);

  g_mutex_lock (&self->lock);
  if (!ss->was_open)
    self->stat_failed++;
  g_mutex_unlock (&self->lock);

  if (ss->responder) {
    /* internal: nobody opened it, nobody hears of its end */
    GST_DEBUG_OBJECT (self, "channel %d: ping responder done: %s",
        ss->channel_id, ss->error ? ss->error->message : "closed");
  } else if (ss->was_open) {
    g_signal_emit (self, signals[SIGNAL_SUBSTREAM_CLOSED], 0, ss->id,
        ss->protocol, ss->error);
    post_substream_message (self, "libp2p-substream-closed", ss, ss->error);
  } else if (ss->outbound) {
    GST_INFO_OBJECT (self, "substream %u failed: %s", ss->id,
        ss->error->message);
    g_signal_emit (self, signals[SIGNAL_SUBSTREAM_FAILED], 0, ss->id,
        ss->protocol, ss->error);
    post_substream_message (self, "libp2p-substream-failed", ss, ss->error);
  } else {
    /* Nobody asked for an inbound substream that never opened: nothing
     * goes upward, the channel is closed (spec reference b.5). */
    GST_INFO_OBJECT (self, "channel %d: inbound negotiation failed: %s",
        ss->channel_id, ss->error->message);
  }

  g_mutex_lock (&self->lock);
  ss->ended = TRUE;
  g_cond_broadcast (&self->cond);
  ss_maybe_remove_locked (ss);
  g_mutex_unlock (&self->lock);
}

static void
job_remove (GstLibp2pWebrtcBin * self, Substream * ss)
{
  GstPad *src, *sink;

  g_mutex_lock (&self->lock);
  src = ss->srcpad;
  sink = ss->sinkpad;
  ss->srcpad = NULL;
  ss->sinkpad = NULL;
  if (sink)
    GST_LIBP2P_PAD (sink)->substream = NULL;
  g_mutex_unlock (&self->lock);

  if (src) {
    gst_pad_set_active (src, FALSE);
    gst_element_remove_pad (GST_ELEMENT (self), src);
  }
  if (sink) {
    /* The upstream of a removed pad gets NOT_LINKED, never a hang. */
    gst_element_remove_pad (GST_ELEMENT (self), sink);
  }
  g_mutex_lock (&self->lock);
  if (g_hash_table_lookup (self->substreams, GUINT_TO_POINTER (ss->id)) ==
      ss)
    g_hash_table_remove (self->substreams, GUINT_TO_POINTER (ss->id));
  g_mutex_unlock (&self->lock);
}

static void
worker_func (gpointer data, gpointer user_data)
{
  Job *job = data;
  GstLibp2pWebrtcBin *self = user_data;

  switch (job->type) {
    case JOB_CREATE_CHANNEL:
      ss_create_channel (self, job->ss);
      break;
    case JOB_EXPOSE:
      job_expose (self, job->ss);
      break;
    case JOB_END:
      job_end (self, job->ss);
      break;
    case JOB_REMOVE:
      job_remove (self, job->ss);
      break;
    case JOB_NOISE:
      job_noise (self, job->data);
      break;
    case JOB_RESOLVE:
      job_resolve (self);
      break;
  }
  if (job->ss)
    ss_unref (job->ss);
  if (job->data)
    g_bytes_unref (job->data);
  g_free (job);
}

/* ---- webrtcbin ---- */

static void
set_webrtcbin (GstLibp2pWebrtcBin * self, GstElement * webrtc,
    gboolean internal)
{
  if (self->webrtcbin) {
    g_signal_handler_disconnect (self->webrtcbin, self->sig_data_channel);
    g_signal_handler_disconnect (self->webrtcbin, self->sig_conn_state);
    gst_bin_remove (GST_BIN (self), self->webrtcbin);
    gst_object_unref (self->webrtcbin);
    self->webrtcbin = NULL;
  }
  if (webrtc == NULL)
    return;
  self->webrtcbin = gst_object_ref (webrtc);
  self->webrtcbin_internal = internal;
  gst_bin_add (GST_BIN (self), webrtc);
  /* webrtcbin holds sinks that never see EOS: the pipeline must not wait
   * for EOS from this bin (its src pads end their streams themselves). */
  GST_OBJECT_FLAG_UNSET (self, GST_ELEMENT_FLAG_SINK);
  self->sig_data_channel = g_signal_connect (webrtc, "on-data-channel",
      G_CALLBACK (on_data_channel), self);
  self->sig_conn_state = g_signal_connect (webrtc,
      "notify::connection-state", G_CALLBACK (on_connection_state), self);
}

static GstStructure *
make_stats (GstLibp2pWebrtcBin * self)
{
  GHashTableIter it;
  gpointer v;
  guint active = 0;
  GstStructure *s;

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&it, self->substreams);
  while (g_hash_table_iter_next (&it, NULL, &v))
    active += ((Substream *) v)->state == SS_OPEN;
  s = gst_structure_new ("application/x-libp2p-stats",
      "substreams-opened", G_TYPE_UINT64, self->stat_opened,
      "substreams-failed", G_TYPE_UINT64, self->stat_failed,
      "substreams-active", G_TYPE_UINT, active,
      "bytes-in", G_TYPE_UINT64, self->stat_bytes_in,
      "bytes-out", G_TYPE_UINT64, self->stat_bytes_out,
      "frames-reassembled", G_TYPE_UINT64, self->stat_reassembled,
      "pings-answered", G_TYPE_UINT64, self->stat_pings, NULL);
  g_mutex_unlock (&self->lock);
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
    key = protocol_key (protos[i]);
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
  if (self->running) {
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
  if (self->running) {
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

static void
gst_libp2p_webrtc_bin_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstLibp2pWebrtcBin *self = GST_LIBP2P_WEBRTC_BIN (object);

  switch (prop_id) {
    case PROP_WEBRTCBIN:{
      GstElement *w = g_value_get_object (value);

      if (GST_STATE (self) != GST_STATE_NULL) {
        g_warning ("libp2pwebrtcbin: the webrtcbin can only be set in NULL");
        break;
      }
      if (w && GST_OBJECT_PARENT (w) != NULL) {
        g_warning ("libp2pwebrtcbin: the webrtcbin must not have a parent");
        break;
      }
      if (w == NULL) {
        w = gst_element_factory_make ("webrtcbin", "webrtcbin");
        set_webrtcbin (self, w, TRUE);
      } else {
        set_webrtcbin (self, w, FALSE);
      }
      break;
    }
    case PROP_PROTOCOLS:{
      g_auto (GStrv) p = split_protocols (g_value_get_string (value));
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
      break;
    }
    case PROP_PEER_ADDRESS:
      set_peer_address (self, g_value_get_string (value));
      break;
    case PROP_PRIVATE_KEY:
      set_private_key (self, g_value_get_string (value));
      break;
    case PROP_CONNECT_TIMEOUT:
      self->connect_timeout = g_value_get_uint64 (value);
      break;
    case PROP_PING_RESPONDER:
      g_mutex_lock (&self->lock);
      self->ping_responder = g_value_get_boolean (value);
      g_mutex_unlock (&self->lock);
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
      break;
    case PROP_SEND_HIGH_WATER:
      self->send_high_water = g_value_get_uint64 (value);
      break;
    case PROP_RECEIVE_QUEUE_SIZE:
      self->receive_queue_size = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_libp2p_webrtc_bin_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstLibp2pWebrtcBin *self = GST_LIBP2P_WEBRTC_BIN (object);

  switch (prop_id) {
    case PROP_WEBRTCBIN:
      g_value_set_object (value, self->webrtcbin);
      break;
    case PROP_PROTOCOLS:
      g_mutex_lock (&self->lock);
      g_value_take_string (value, self->protocols ?
          g_strjoinv (",", self->protocols) : NULL);
      g_mutex_unlock (&self->lock);
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
      g_value_set_boolean (value, self->dial_on_request);
      break;
    case PROP_SEND_HIGH_WATER:
      g_value_set_uint64 (value, self->send_high_water);
      break;
    case PROP_RECEIVE_QUEUE_SIZE:
      g_value_set_uint (value, self->receive_queue_size);
      break;
    case PROP_PEER_ADDRESS:
      g_mutex_lock (&self->lock);
      g_value_set_string (value, self->peer_address);
      g_mutex_unlock (&self->lock);
      break;
    case PROP_PEER_ID:
      g_mutex_lock (&self->lock);
      if (ensure_identity_locked (self))
        g_value_take_string (value, lp2p_peer_id_to_string
            (lp2p_identity_get_peer_id (self->identity)));
      g_mutex_unlock (&self->lock);
      break;
    case PROP_REMOTE_PEER_ID:
      g_mutex_lock (&self->lock);
      g_value_set_string (value, self->remote_peer_id);
      g_mutex_unlock (&self->lock);
      break;
    case PROP_CONNECT_TIMEOUT:
      g_value_set_uint64 (value, self->connect_timeout);
      break;
    case PROP_PING_RESPONDER:
      g_value_set_boolean (value, self->ping_responder);
      break;
    case PROP_STATS:
      g_value_take_boxed (value, make_stats (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static gboolean
start (GstLibp2pWebrtcBin * self)
{
  GstStructure *opts;
  GstWebRTCDataChannel *ch0 = NULL;

  g_mutex_lock (&self->lock);
  if (self->config_error || self->address_error || self->key_error) {
    gchar *msg = g_strdup (self->config_error ? self->config_error :
        self->address_error ? self->address_error : self->key_error);

    g_mutex_unlock (&self->lock);
    GST_ELEMENT_ERROR (self, LIBRARY, SETTINGS, ("%s", msg), (NULL));
    g_free (msg);
    return FALSE;
  }
  self->running = TRUE;
  self->connected = FALSE;
  self->direct_failed = FALSE;
  self->cert_checked = FALSE;
  self->noise_rx = 0;
  g_clear_pointer (&self->remote_peer_id, g_free);
  self->worker = g_thread_pool_new (worker_func, self, 1, FALSE, NULL);
  g_mutex_unlock (&self->lock);

  /* Channel 0, negotiated on both sides: it puts SCTP in the offer and
   * keeps id 0 for WebRTC-direct's Noise handshake; never a substream. */
  opts = gst_structure_new ("application/data-channel", "negotiated",
      G_TYPE_BOOLEAN, TRUE, "id", G_TYPE_INT, RESERVED_CHANNEL_ID, "ordered",
      G_TYPE_BOOLEAN, TRUE, NULL);
  g_signal_emit_by_name (self->webrtcbin, "create-data-channel", "", opts,
      &ch0);
  gst_structure_free (opts);
  if (ch0 == NULL) {
    GST_ELEMENT_ERROR (self, LIBRARY, INIT,
        ("webrtcbin refused the reserved data channel 0"), (NULL));
    return FALSE;
  }
  self->channel0 = ch0;
  if (self->direct)
    direct_start (self);
  return TRUE;
}

static void
stop (GstLibp2pWebrtcBin * self)
{
  GThreadPool *pool;
  GPtrArray *closed;
  GList *all, *l;

  g_mutex_lock (&self->lock);
  self->running = FALSE;
  self->connected = FALSE;
  pool = self->worker;
  self->worker = NULL;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  /* Jobs already queued run to their end. */
  if (pool)
    g_thread_pool_free (pool, FALSE, TRUE);

  g_mutex_lock (&self->lock);
  all = g_hash_table_get_values (self->substreams);
  for (l = all; l; l = l->next) {
    Substream *ss = l->data;

    ss_ref (ss);
    if (ss->state != SS_DONE) {
      ss->was_open = ss->state == SS_OPEN;
      ss->state = SS_DONE;
      if (ss->error == NULL)
        ss->error = error_new (GST_LIBP2P_ERROR_STOPPED,
            "the element stopped");
    }
    ss_cancel_timer_locked (ss);
    ss->src_flushing = TRUE;
    g_cond_broadcast (&ss->src_cond);
  }
  g_hash_table_steal_all (self->substreams);
  g_mutex_unlock (&self->lock);

  for (l = all; l; l = l->next) {
    Substream *ss = l->data;

    ss_detach_channel (ss);
    if (!ss->ended) {
      ss->ended = TRUE;
      if (ss->responder)
        ;                       /* internal */
      else if (ss->was_open)
        g_signal_emit (self, signals[SIGNAL_SUBSTREAM_CLOSED], 0, ss->id,
            ss->protocol, ss->error);
      else if (ss->outbound)
        g_signal_emit (self, signals[SIGNAL_SUBSTREAM_FAILED], 0, ss->id,
            ss->protocol, ss->error);
    }
    if (ss->srcpad) {
      gst_pad_set_active (ss->srcpad, FALSE);
      gst_element_remove_pad (GST_ELEMENT (self), ss->srcpad);
      ss->srcpad = NULL;
    }
    if (ss->sinkpad) {
      GST_LIBP2P_PAD (ss->sinkpad)->substream = NULL;
      gst_element_remove_pad (GST_ELEMENT (self), ss->sinkpad);
      ss->sinkpad = NULL;
    }
    ss_unref (ss);              /* the table's */
    ss_unref (ss);
  }
  g_list_free (all);

  g_mutex_lock (&self->lock);
  g_hash_table_remove_all (self->key_next);
  self->stopping = FALSE;
  closed = self->closed_channels;
  self->closed_channels = g_ptr_array_new_with_free_func (g_object_unref);
  g_mutex_unlock (&self->lock);
  /* webrtcbin is in READY: its channels' threads have stopped */
  g_ptr_array_unref (closed);
  direct_stop (self);
  if (self->channel0) {
    gst_webrtc_data_channel_close (self->channel0);
    g_clear_object (&self->channel0);
  }
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
    g_mutex_lock (&self->lock);
    self->stopping = TRUE;
    g_mutex_unlock (&self->lock);
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

  if (self->webrtcbin) {
    g_signal_handler_disconnect (self->webrtcbin, self->sig_data_channel);
    g_signal_handler_disconnect (self->webrtcbin, self->sig_conn_state);
    gst_clear_object (&self->webrtcbin);
  }
  g_list_free (self->waiting_pads);
  self->waiting_pads = NULL;
  G_OBJECT_CLASS (parent_class)->dispose (object);
}

static void
gst_libp2p_webrtc_bin_finalize (GObject * object)
{
  GstLibp2pWebrtcBin *self = GST_LIBP2P_WEBRTC_BIN (object);

  g_hash_table_unref (self->substreams);
  g_hash_table_unref (self->key_next);
  g_ptr_array_unref (self->closed_channels);
  g_strfreev (self->protocols);
  g_free (self->config_error);
  g_free (self->peer_address);
  g_free (self->address_error);
  g_free (self->key_error);
  g_free (self->remote_peer_id);
  lp2p_identity_free (self->identity);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
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
      &src_template, GST_TYPE_LIBP2P_PAD);
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
  g_cond_init (&self->cond);
  self->substreams = g_hash_table_new_full (NULL, NULL, NULL,
      (GDestroyNotify) ss_unref);
  self->key_next = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  self->closed_channels = g_ptr_array_new_with_free_func (g_object_unref);
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
    set_webrtcbin (self, webrtc, TRUE);
}
