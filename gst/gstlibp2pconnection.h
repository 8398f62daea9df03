/* gst-libp2p: one libp2p connection = one webrtcbin
 *
 * A GstLibp2pConnection owns everything of one connection: its webrtcbin
 * (through GstLibp2pRtc, gstlibp2pwebrtc.h), channel 0 and the WebRTC-direct
 * Noise handshake in either role, the substream table and numbering, a
 * worker thread, the timers, the stats and its lock.  It knows nothing of
 * elements: it reports to its owner through GstLibp2pConnectionOwner, and
 * the owner decides what a report means (libp2pwebrtcbin posts an ERROR
 * when its dial fails; a listener drops that one connection).  Settings are
 * copied in at creation; nothing is read from the owner across threads.
 *
 * Pads: the connection makes the src pads of its substreams and binds the
 * sink pads the owner hands it (GstLibp2pPad); it asks the owner to add
 * and remove them, because only an element can hold pads.
 *
 * Files of this room:
 *   gstlibp2pconnection.c  lifecycle, worker, reports, the end
 *   gstlibp2pconnection-open.c  numbering, opening, binding sink pads
 *   gstlibp2psubstream.c   one substream: receive path, sending, timers, end
 *   gstlibp2pstreampads.c  the src pad task and the sink pad functions
 *   gstlibp2phandshake.c   channel 0, Noise, the WebRTC-direct dial
 * and gstlibp2pconnection-priv.h, their shared structs and lock rules.
 */
#ifndef __GST_LIBP2P_CONNECTION_H__
#define __GST_LIBP2P_CONNECTION_H__

#include <gst/gst.h>

#include "gstlibp2ppad.h"
#include "identity.h"
#include "multiaddr.h"

G_BEGIN_DECLS

typedef struct _GstLibp2pConnection GstLibp2pConnection;

typedef enum
{
  /* the application does the signalling; connected at the PeerConnection's
   * CONNECTED; no Noise */
  GST_LIBP2P_CONNECTION_SIGNALLED,
  /* WebRTC-direct client: dial settings->addr, Noise responder */
  GST_LIBP2P_CONNECTION_DIAL,
  /* WebRTC-direct server side of an accepted client: Noise initiator */
  GST_LIBP2P_CONNECTION_ACCEPTED,
  /* the Noise handshake over a connection the application signalled, in
   * either role (tests of the handshake, and private setups) */
  GST_LIBP2P_CONNECTION_SIGNALLED_NOISE_INITIATOR,
  GST_LIBP2P_CONNECTION_SIGNALLED_NOISE_RESPONDER,
} GstLibp2pConnectionRole;

typedef struct
{
  GstLibp2pConnectionRole role;
  gchar **protocols;            /* accepted (and dialable) protocol ids */
  GstClockTime negotiation_timeout;
  GstClockTime fin_ack_timeout;
  GstClockTime connect_timeout; /* handshake roles: all of ICE..Noise */
  guint max_frame_size;
  gboolean lazy;
  gboolean ping_responder;
  /* answer /ipfs/id/1.0.0 (when 'protocols' lacks it) and, in the
   * handshake roles, ask the remote's once authenticated */
  gboolean identify;
  /* webrtcbin 1.22 .. 1.25.0: take closed channels' elements out at once
   * (gstlibp2pwebrtc.c, "reaping") instead of at the stop */
  gboolean free_closed_channels;
  gchar *agent_version;         /* what our identify says we are */
  GstClockTime identify_timeout;        /* request to answer; 0: 10 s */
  /* keepalive (gstlibp2pservices.c): a /ipfs/ping/1.0.0 ping every
   * @ping_interval (0: none); one unanswered for @ping_timeout ends the
   * connection */
  GstClockTime ping_interval;
  GstClockTime ping_timeout;
  guint64 send_high_water;
  guint receive_queue_size;
  /* a full receive queue holds the connection this long at most; 0: no
   * holding, a full queue resets its substream at once */
  GstClockTime receive_hold_timeout;
  guint32 stream_id_base;       /* stream-start ids unique across elements */
  guint last_substream_id;      /* ids continue after this one */
  /* DIAL */
  gchar *peer_address;
  Lp2pWebrtcDirectAddr addr;
  /* handshake roles: borrowed, must outlive the connection */
  const Lp2pIdentity *identity;
  /* ACCEPTED (borrowed, read at the start): the client offer the listener
   * inferred, our ICE ufrag = password */
  const gchar *accept_offer;
  const gchar *accept_local;
} GstLibp2pConnectionSettings;

typedef enum
{
  GST_LIBP2P_SUBSTREAM_OPENED,
  GST_LIBP2P_SUBSTREAM_FAILED,
  GST_LIBP2P_SUBSTREAM_CLOSED,
} GstLibp2pSubstreamOutcome;

/* What the owner is told.  @message is the element message's structure
 * (libp2p-substream-opened/-failed/-closed with id, protocol, direction,
 * channel-id, src-pad, bytes-in, bytes-out, error), built in one place;
 * the owner takes it. */
typedef struct
{
  /* webrtcbin's thread: accept a proposal that 'protocols' lacks?  Decide
   * quickly. */
  gboolean (*accept_protocol) (gpointer owner, const gchar * protocol);
  /* the worker (or the stopping thread): add or remove one of our pads */
  void (*add_pad) (gpointer owner, GstPad * pad);
  void (*remove_pad) (gpointer owner, GstPad * pad);
  /* every outbound substream: one OPENED or FAILED; every opened one: one
   * CLOSED.  @src: the src pad when OPENED. */
  void (*substream) (gpointer owner, GstLibp2pSubstreamOutcome outcome,
      guint id, const gchar * protocol, GstPad * src, const GError * error,
      GstStructure * message);
  /* the connection is up (handshake roles: Noise verified);
   * @remote_peer_id NULL without a handshake */
  void (*connected) (gpointer owner, const gchar * remote_peer_id);
  /* it ended: @error says why (NOT_CONNECTED / NOT_AUTHORIZED kinds in the
   * GST_LIBP2P_ERROR domain; @auth TRUE when the remote failed to prove
   * who it is); @was_connected FALSE if it never came up.  Every
   * substream was ended before. */
  void (*ended) (gpointer owner, const GError * error, gboolean auth,
      gboolean was_connected);
  /* the worker: the remote answered our identify request (@info, a
   * libp2p-identify structure the owner takes), or it failed (@info NULL,
   * @error).  Once per connection, never while stopping.  May be NULL. */
  void (*identified) (gpointer owner, GstStructure * info,
      const GError * error);
} GstLibp2pConnectionOwner;

/* Starts a connection over @webrtcbin (in PAUSED or about to be): creates
 * channel 0 and, for DIAL, begins dialing.  NULL + @error when webrtcbin
 * refuses channel 0.  The owner's callbacks may run before this returns. */
GstLibp2pConnection *gst_libp2p_connection_new (GstElement * webrtcbin,
    const GstLibp2pConnectionSettings * settings,
    const GstLibp2pConnectionOwner * owner, gpointer owner_data,
    GError ** error);
/* The owner is stopping it (before the webrtcbin leaves PAUSED): what
 * webrtcbin then does to the channels is reported as STOPPED, and the
 * PeerConnection's closing is not a failure.  TRUE when the connection was
 * up and had not ended: its end is then the owner's to report (ended() is
 * not called for a stop). */
gboolean gst_libp2p_connection_begin_stop (GstLibp2pConnection * conn);
/* The owner goes down (still PLAYING): the remote is told at once with an
 * SCTP ABORT, which webrtcbin 1.22 never sends.  TRUE when it went out. */
gboolean gst_libp2p_connection_abort (GstLibp2pConnection * conn);
/* Ends every substream (reported as STOPPED), removes their pads, stops
 * the worker and the timers.  Call after the webrtcbin left PAUSED, and
 * before gst_libp2p_connection_unref(). */
void gst_libp2p_connection_stop (GstLibp2pConnection * conn);
GstLibp2pConnection *gst_libp2p_connection_ref (GstLibp2pConnection * conn);
void gst_libp2p_connection_unref (GstLibp2pConnection * conn);

gboolean gst_libp2p_connection_is_connected (GstLibp2pConnection * conn);
/* Something below the connection (an ERROR of one of webrtcbin's
 * elements, @cause) broke it.  A connection that is up ends with @cause,
 * reported through ended(); TRUE then, and also when it had ended or was
 * stopping already: the error is the connection's, not the pipeline's.
 * FALSE (nothing done) before it came up. */
gboolean gst_libp2p_connection_fail (GstLibp2pConnection * conn,
    const gchar * cause);
/* Opens an outbound substream proposing @protocols (main, then fallbacks,
 * NULL-terminated).  Returns its id; the outcome comes through the owner's
 * substream() callback, before this returns when it fails at once (not
 * connected, bad protocol). */
guint gst_libp2p_connection_open (GstLibp2pConnection * conn,
    const gchar * const *protocols);
typedef enum
{
  GST_LIBP2P_SINK_BIND_OK,
  GST_LIBP2P_SINK_BIND_DUPLICATE,       /* that substream has a sink pad */
  GST_LIBP2P_SINK_BIND_NO_PROTOCOL,     /* @dial, no protocol of the key */
} GstLibp2pSinkBind;

/* Binds a requested sink pad @pad (sink_<key>_<n>): to substream n of key
 * if it exists, else (when @dial) opens it with @dial_protocol, else waits
 * for the remote to open it. */
GstLibp2pSinkBind gst_libp2p_connection_add_sink_pad (GstLibp2pConnection *
    conn, GstLibp2pPad * pad, const gchar * key, gint n, gboolean dial,
    const gchar * dial_protocol);
/* The connection @pad is bound to (a reference), or NULL. */
GstLibp2pConnection *gst_libp2p_connection_of_pad (GstLibp2pPad * pad);
/* The pad is going: our write half of its substream ends (FIN). */
void gst_libp2p_connection_remove_sink_pad (GstLibp2pConnection * conn,
    GstLibp2pPad * pad);
/* application/x-libp2p-stats; the caller owns it.  @conn NULL: the stats
 * of no connection (every counter 0). */
GstStructure *gst_libp2p_connection_get_stats (GstLibp2pConnection * conn);
/* What the remote's identify said (a copy), or NULL before it came. */
GstStructure *gst_libp2p_connection_get_remote_identify (GstLibp2pConnection
    * conn);
/* The id given to the newest substream (to continue the numbering). */
guint gst_libp2p_connection_get_last_substream_id (GstLibp2pConnection *
    conn);
/* The remote's proven peer id (handshake roles), or NULL. */
gchar *gst_libp2p_connection_get_remote_peer_id (GstLibp2pConnection * conn);

/* The one builder of the libp2p-substream-opened/-failed/-closed element
 * message structures.  @src_pad may be NULL, @error too. */
GstStructure *gst_libp2p_substream_message_new (GstLibp2pSubstreamOutcome
    outcome, guint id, const gchar * protocol, gboolean outbound,
    gint channel_id, GstPad * src_pad, const GError * error,
    guint64 bytes_in, guint64 bytes_out);

/* A sink pad for request_new_pad (sink_<key>_<n>), with the functions
 * that write into its substream once a connection binds it. */
GstPad *gst_libp2p_connection_new_sink_pad (GstPadTemplate * templ,
    const gchar * name);
/* The template of the src pads the connection makes (src_<key>_<n>). */
extern GstStaticPadTemplate gst_libp2p_src_template;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GstLibp2pConnection,
    gst_libp2p_connection_unref)

/* Helpers shared with the element. */
gchar *gst_libp2p_protocol_key (const gchar * protocol);
gboolean gst_libp2p_key_is_valid (const gchar * key);
GError *gst_libp2p_error_new (gint code, const gchar * fmt, ...)
    G_GNUC_PRINTF (2, 3);

G_END_DECLS

#endif
