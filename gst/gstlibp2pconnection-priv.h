/* gst-libp2p: the insides of a connection, shared by its four files
 *
 * Locks (outermost first; none is held while pushing a buffer, emitting a
 * signal, calling an owner callback or calling into webrtcbin, except that
 * a substream's send_lock is held across gst_libp2p_channel_send()):
 *   conn->lock      the substream table, key numbering, every substream's
 *                   state and queue, the handshake state, stats;
 *   ss->send_lock   orders what is sent on one channel (negotiation replies
 *                   before data, FIN after both); taken after conn->lock.
 * Functions named *_locked are called with conn->lock held; those that
 * drop it on the way say so.
 *
 * Conditions (all waited on with conn->lock):
 *   ss->cond        writers of one substream: it became writable, ended,
 *                   or its channel drained (buffered-amount-low);
 *   pad->cond       (GstLibp2pPad) a requested sink pad waiting to be bound;
 *   ss->src_cond    the src pad task of one substream: data or flushing.
 *
 * Threads: webrtcbin's operations thread (channel events, frames), the
 * connection's worker (pads, reports, channel creation and release, Noise,
 * name resolution), one task per src pad, the upstream threads of sink pads,
 * the system clock's thread (deadlines), and the owner's (open, stop).
 */
#ifndef __GST_LIBP2P_CONNECTION_PRIV_H__
#define __GST_LIBP2P_CONNECTION_PRIV_H__

#include "gstlibp2pconnection.h"
#include "gstlibp2pwebrtc.h"

#include "direct.h"
#include "frame.h"
#include "mss.h"
#include "substream.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (gst_libp2p_connection_debug);

/* libp2p/specs ping/ping.md */
#define LP2P_PING_PROTOCOL "/ipfs/ping/1.0.0"
#define LP2P_PING_SIZE 32
/* The channel reserved for the WebRTC-direct Noise handshake: negotiated,
 * never a substream (libp2p/specs webrtc/webrtc-direct.md). */
#define LP2P_RESERVED_CHANNEL_ID 0
/* webrtcbin 1.22's SCTP association has 1024 streams; each side allocates
 * ids of one parity (RFC 8832: by DTLS role), and id 0 is reserved: at most
 * 511 channels we open can be alive at once.  Past that webrtcbin's sctpenc
 * fails to write and posts an ERROR that would stop the pipeline, so the
 * connection refuses the open instead (measured: 512 of 1000 opened). */
#define LP2P_MAX_LIVE_OUTBOUND 511
/* How often a blocked sender re-reads buffered-amount, should the low
 * signal be missed. */
#define LP2P_BACKPRESSURE_POLL (100 * G_TIME_SPAN_MILLISECOND)

typedef enum
{
  SS_WAIT_CONNECT,              /* outbound, waiting for the connection */
  SS_OPENING,                   /* outbound channel created, not open yet */
  SS_NEGOTIATING,
  SS_OPEN,
  SS_DONE,                      /* ended: channel closing, pads going */
} SsState;

/* A substream the connection serves itself, without pads
 * (gstlibp2pservices.c). */
typedef enum
{
  SVC_NONE,                     /* the application's */
  SVC_PING_RESPONDER,           /* inbound /ipfs/ping/1.0.0: echoes */
  SVC_ID_RESPONDER,             /* inbound /ipfs/id/1.0.0: our identify */
  SVC_ID_REQUESTER,             /* outbound /ipfs/id/1.0.0: the remote's */
  SVC_PINGER,                   /* outbound /ipfs/ping/1.0.0: keepalive */
} Service;

typedef struct _Substream Substream;

struct _Substream
{
  gint ref;
  GstLibp2pConnection *conn;    /* a reference */
  guint id;
  gboolean outbound;
  SsState state;

  GstLibp2pChannel *channel;    /* under send_lock */
  gint channel_id;

  gchar **proposals;            /* outbound: main + fallbacks */
  Lp2pMss *mss;
  Lp2pFrameDecoder dec;
  Lp2pSubstream hc;             /* half-close, once open */
  gchar *protocol;              /* negotiated (or the main proposal) */
  gchar *key;                   /* NULL until known */
  gint n;                       /* -1 until known */
  gboolean neg_sent;            /* our first negotiation frame went out */
  GBytes *first_frame;          /* lazy: the sink pad's first data frame,
                                 * handed to on-open while the channel
                                 * opens (gstlibp2pstreampads.c) */
  gsize first_size;             /* its payload bytes */

  GstPad *srcpad;               /* owned by the owner element once added */
  GstPad *sinkpad;
  GCond cond;                   /* writers: see the header comment */
  GQueue queue;                 /* GstBuffer, or EOS_MARKER last */
  gsize queued_bytes;
  gboolean pressing;            /* over the high-water mark: holds the
                                 * connection's receive path */
  gboolean eos_queued, src_flushing, src_started, src_done;
  GCond src_cond;

  GMutex send_lock;
  GstClockID timer;
  gboolean send_reset;          /* the end job sends RESET_STREAM first */
  gboolean was_open;
  gboolean opened_reported;     /* the owner heard OPENED */
  gboolean ended;               /* the end job ran */
  gboolean counted;             /* in conn->live_outbound */
  Service service;              /* SVC_NONE: the application's */
  GByteArray *svc_in;           /* SVC_ID_REQUESTER, SVC_PINGER: what
                                 * arrived */
  gboolean removing;
  GError *error;
  guint64 bytes_in, bytes_out;
};

extern const int lp2p_eos_marker;
#define EOS_MARKER ((gpointer) &lp2p_eos_marker)

typedef enum
{
  JOB_CREATE_CHANNEL,
  JOB_EXPOSE,
  JOB_END,
  JOB_REMOVE,
  JOB_NOISE,                    /* a channel-0 message (no substream) */
  JOB_NOISE_START,              /* initiator: channel 0 opened */
  JOB_RESOLVE,                  /* resolve the dial address's name */
  JOB_IDENTIFIED,               /* tell the owner the remote's identify */
  JOB_RELEASE,                  /* the receive path is held no more */
} JobType;

struct _GstLibp2pConnection
{
  gint ref;
  GMutex lock;
  GstLibp2pConnectionSettings settings;
  const GstLibp2pConnectionOwner *owner;
  gpointer owner_data;

  GstLibp2pRtc *rtc;
  GstLibp2pChannel *channel0;
  /* what the listener side offers (and lists in its ls answer): the
   * settings' protocols, plus ping and identify when we answer them */
  gchar **listen_protocols;

  gboolean running;
  gboolean stopping;
  gboolean connected;
  gboolean pc_up;               /* signalled: transport up, SCTP not yet:
                                 * opens wait instead of failing */
  gboolean ended;               /* the owner heard ended() */
  GHashTable *substreams;       /* id -> Substream* (ref) */
  GHashTable *key_next;         /* key -> next n */
  GList *waiting_pads;          /* requested sink pads without substream */
  guint next_id;
  guint live_outbound;          /* outbound channels created, not closed */
  /* create-data-channel calls under way: the stop waits for them, since
   * a channel created while webrtcbin shuts its SCTP association down
   * fails inside webrtcbin (g_warn_if_reached in link_to_sctp) */
  guint creating;
  GCond creating_cond;
  GThreadPool *worker;

  /* the handshake (gstlibp2phandshake.c) */
  Lp2pDirectNoise *noise;
  guint noise_rx;               /* channel-0 messages received */
  gboolean cert_checked;
  gboolean noise_started;       /* initiator: message 1 sent */
  gchar *remote_peer_id;
  GstClockID connect_timer;

  /* stats */
  guint64 stat_opened, stat_failed, stat_bytes_in, stat_bytes_out;
  guint64 stat_reassembled;     /* frames split across messages */
  guint64 stat_pings;           /* ping payloads echoed by the responder */

  /* identify (gstlibp2pservices.c) */
  Substream *identify_ss;       /* the requester's, until it is done */
  GstClockID identify_timer;    /* its deadline */
  GstStructure *remote_identify;        /* libp2p-identify, once known */
  GError *identify_error;       /* or why it failed */
  gboolean identify_reported;   /* the owner heard identified() */

  /* keepalive (gstlibp2pservices.c) */
  Substream *ping_ss;           /* our pinger, while it can ping */
  GstClockID ping_timer;        /* the next ping, or the answer's deadline */
  gboolean ping_waiting;        /* a ping (or its substream) is unanswered */
  gboolean ping_off;            /* the remote refused or broke our pinger */
  guint8 ping_payload[LP2P_PING_SIZE];
  gint64 ping_sent_us;
  guint64 stat_pings_sent, stat_pongs;
  GstClockTime stat_ping_rtt;   /* the last round trip; 0 before one */

  /* receive backpressure (gstlibp2pstreampads.c) */
  guint pressing;               /* substreams over their high-water mark */
  gboolean holding;             /* the gate keeps the remote's DATA out */
  guint hold_seq;               /* orders the gate's changes */
  GstClockID hold_timer;        /* receive-hold-timeout */
  gint64 hold_since_us;
  guint64 stat_holds;
  GstClockTime stat_held_time;
};

/* gstlibp2pconnection.c */
void conn_schedule_locked (GstLibp2pConnection * conn, JobType type,
    Substream * ss, GBytes * data);
void conn_set_connected_locked (GstLibp2pConnection * conn);
/* The connection ended (handshake failure, PeerConnection failed or
 * closed): every substream ends, the owner hears it once. */
void conn_end (GstLibp2pConnection * conn, gboolean auth,
    const gchar * substream_why, const gchar * fmt, ...) G_GNUC_PRINTF (4, 5);
void conn_report (GstLibp2pConnection * conn, Substream * ss,
    GstLibp2pSubstreamOutcome outcome);
/* gstlibp2pconnection-open.c */
void conn_assign_key_locked (Substream * ss, const gchar * protocol, gint n);
void conn_create_channel (GstLibp2pConnection * conn, Substream * ss);
/* An outbound substream the connection serves itself (no key, no pads);
 * its channel is created by the worker once connected. */
Substream *conn_open_service_locked (GstLibp2pConnection * conn,
    const gchar * const *proposals, Service service);
/* Binds a waiting requested sink pad named after @ss, if any. */
void conn_bind_waiting_pad_locked (GstLibp2pConnection * conn,
    Substream * ss);
/* Sets (a reference) or clears the connection a pad belongs to. */
void conn_pad_set_connection (GstLibp2pPad * pad, GstLibp2pConnection * conn);
gint64 conn_now_us (void);
/* @protocol is one of the settings' 'protocols' (the application's). */
gboolean conn_settings_list (const GstLibp2pConnectionSettings * s,
    const gchar * protocol);
/* What every substream still alive when its owner stops it ends with. */
GError *conn_stopped_error (void);
/* gpointer forms of ref/unref, for callbacks' data */
gpointer conn_ref_gp (gpointer conn);
void conn_unref_gp (gpointer conn);
GstClockID conn_timer_start (GstClockTime timeout, GstClockCallback cb,
    gpointer data, GDestroyNotify free_data);
void conn_timer_cancel (GstClockID * id);

/* gstlibp2pstreampads.c: receive backpressure.  A substream whose queue
 * passes half of receive-queue-size holds the connection's receive path
 * (the gate before SCTP) until it is under a quarter again, or ends; held
 * longer than receive-hold-timeout, the substreams over the mark are
 * reset (OVERFLOW). */
void ss_press_locked (Substream * ss);
void ss_unpress_locked (Substream * ss, gboolean ending);
void conn_job_release (GstLibp2pConnection * conn);
void conn_hold_stop (GstLibp2pConnection * conn);
void conn_hold_stats (GstLibp2pConnection * conn, GstStructure * s);

/* gstlibp2psubstream.c */
Substream *ss_new_locked (GstLibp2pConnection * conn, gboolean outbound);
/* A substream the remote opened on @channel: negotiating, deadline armed. */
Substream *ss_new_inbound_locked (GstLibp2pConnection * conn,
    GstLibp2pChannel * channel);
Substream *ss_ref (Substream * ss);
void ss_unref (Substream * ss);
/* Ends @ss once: reported from the worker, channel closed there (after
 * RESET_STREAM through the core when @reset), src pad EOS after the data
 * queued, writers woken.  Takes @error. */
void ss_end_locked (Substream * ss, GError * error, gboolean reset);
void ss_attach_channel_locked (Substream * ss, GstLibp2pChannel * channel);
/* Clears and releases the channel; not under conn->lock. */
void ss_detach_channel (Substream * ss);
void ss_arm_timer_locked (Substream * ss, GstClockTime timeout);
void ss_cancel_timer_locked (Substream * ss);
/* Our write half is done: FIN (once) and the FIN_ACK deadline.  Drops
 * conn->lock while sending. */
void ss_close_write_locked (Substream * ss);
/* The same, the FIN appended to @to_send (a GPtrArray of GBytes frames). */
void ss_close_write_to_locked (Substream * ss, GPtrArray * to_send);
void ss_send_flag (Substream * ss, gint flag);
/* Sends @to_send (GBytes frames) in order and empties it; drops conn->lock
 * meanwhile (send_lock first: the lock order). */
void ss_flush_locked (Substream * ss, GPtrArray * to_send);
gboolean ss_send_frame_unlocked (Substream * ss, GBytes * frame,
    GError ** error);
void ss_maybe_remove_locked (Substream * ss);
void ss_on_channel_open (gpointer data);
/* Wakes the writers of @ss. */
void ss_wake_writers_locked (Substream * ss);

/* gstlibp2pservices.c */
/* The protocols the connection answers itself, that 'protocols' lacks. */
gboolean svc_answers (GstLibp2pConnection * conn, const gchar * protocol);
/* The service of an inbound substream that negotiated @protocol. */
Service svc_for_inbound (GstLibp2pConnection * conn, const gchar * protocol);
/* @ss (a service) is open: the identify responder sends its message and
 * FIN, the requester its FIN. */
void svc_on_open_locked (Substream * ss, GPtrArray * to_send);
void svc_on_payload_locked (Substream * ss, const guint8 * data, gsize size,
    GPtrArray * to_send);
/* The remote closed its write half. */
void svc_on_remote_fin_locked (Substream * ss, GPtrArray * to_send);
/* @ss (a service) ended: the requester's failure is the identify's. */
void svc_on_end_locked (Substream * ss);
/* The connection is authenticated: ask the remote's identify. */
void svc_start_identify_locked (GstLibp2pConnection * conn);
void svc_job_identified (GstLibp2pConnection * conn);
/* The connection stops or ended: the requester's and the pinger's
 * deadlines and references go. */
void svc_stop_locked (GstLibp2pConnection * conn);
/* @d (@size bytes) as frames of @ss appended to @to_send; counted. */
void svc_append_frames_locked (Substream * ss, const guint8 * d, gsize size,
    GPtrArray * to_send);
/* The connection is up: the keepalive starts (when ping_interval > 0). */
void svc_start_keepalive_locked (GstLibp2pConnection * conn);

/* gstlibp2pkeepalive.c: the SVC_PINGER side of the svc_* calls */
void ka_on_open_locked (Substream * ss, GPtrArray * to_send);
void ka_on_payload_locked (Substream * ss, const guint8 * data, gsize size);
void ka_on_remote_fin_locked (Substream * ss, GPtrArray * to_send);
void ka_on_end_locked (Substream * ss);
void ka_stop_locked (GstLibp2pConnection * conn);

/* gstlibp2pstreampads.c */
GstPad *pads_new_src_locked (Substream * ss);
void pads_bind_sink_locked (GstLibp2pPad * pad, Substream * ss);
/* @protocol: ss->protocol read under conn->lock (a lazy dial's pad comes
 * before the negotiation, which may change it) */
void pads_push_sticky (Substream * ss, GstPad * src, const gchar * protocol);
void pads_start_src_task_locked (Substream * ss);

/* gstlibp2phandshake.c */
gboolean hs_uses_noise (const GstLibp2pConnectionSettings * s);
/* The remote as messages name it: its proven peer id, else the address
 * dialed, else "the remote".  Call with conn->lock. */
const gchar *conn_remote_name_locked (GstLibp2pConnection * conn);
void hs_start (GstLibp2pConnection * conn);
void hs_stop (GstLibp2pConnection * conn);
void hs_job_noise (GstLibp2pConnection * conn, GBytes * data);
void hs_job_noise_start (GstLibp2pConnection * conn);
void hs_job_resolve (GstLibp2pConnection * conn);

G_END_DECLS

#endif
