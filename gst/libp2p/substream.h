/* gst-libp2p: half-close state machine of one libp2p WebRTC substream
 *
 * A browser data channel cannot be half-closed, so libp2p puts flags in its
 * frames (libp2p/specs webrtc/README.md, "Closing an RTCDataChannel"):
 *
 *  - FIN: the sender will write no more.  The receiver delivers end of stream
 *    after the data before it and SHOULD answer FIN_ACK.
 *  - FIN_ACK: the FIN arrived; the sender of the FIN now knows its data was
 *    delivered and its write half is closed.
 *  - STOP_SENDING: the sender will read no more; the receiver stops writing
 *    (it SHOULD NOT answer with RESET_STREAM).
 *  - RESET_STREAM: the sender aborts its write half; data not yet delivered
 *    may be discarded.  We end the whole substream, as litep2p, js-libp2p and
 *    rust-libp2p do.
 *
 * The data channel may be closed once both halves are finished: our FIN was
 * acknowledged (or the peer asked us to stop sending) and the peer's FIN
 * arrived; or at once on a reset or a timeout.
 *
 * Choices where the spec is silent (../shared/spec/mss-webrtc-reference.md
 * section d):
 *  - data after the peer's FIN is a violation: the substream is reset
 *    (smoldot: DataAfterFin);
 *  - FIN_ACK without our FIN is a violation: reset (litep2p, smoldot);
 *  - a duplicate FIN or FIN_ACK is ignored, and FIN_ACK is sent once;
 *  - no FIN_ACK within the timeout (LP2P_SUBSTREAM_FIN_ACK_TIMEOUT_US,
 *    litep2p and js-libp2p both wait 10 s): send RESET_STREAM and report.
 *
 * Time is the caller's monotonic clock in microseconds; the machine never
 * reads a clock.  lp2p_substream_deadline() tells when to call
 * lp2p_substream_on_timeout().
 */
#ifndef __LP2P_SUBSTREAM_H__
#define __LP2P_SUBSTREAM_H__

#include <glib.h>
#include "frame.h"

G_BEGIN_DECLS

/* litep2p substream.rs FIN_ACK_TIMEOUT; js-libp2p DEFAULT_FIN_ACK_TIMEOUT. */
#define LP2P_SUBSTREAM_FIN_ACK_TIMEOUT_US (10 * G_USEC_PER_SEC)
#define LP2P_SUBSTREAM_NO_DEADLINE G_MAXINT64

typedef enum
{
  LP2P_WRITE_OPEN,
  LP2P_WRITE_FIN_SENT,          /* waiting for FIN_ACK */
  LP2P_WRITE_CLOSED,            /* FIN acknowledged */
  LP2P_WRITE_STOPPED,           /* the peer sent STOP_SENDING */
  LP2P_WRITE_RESET,
} Lp2pWriteState;

typedef enum
{
  LP2P_READ_OPEN,
  LP2P_READ_FIN_RECEIVED,
  LP2P_READ_STOP_SENT,          /* we sent STOP_SENDING */
  LP2P_READ_RESET,
} Lp2pReadState;

typedef enum
{
  LP2P_SUBSTREAM_EVENT_NONE,
  LP2P_SUBSTREAM_EVENT_REMOTE_FIN,      /* deliver EOS after the data */
  LP2P_SUBSTREAM_EVENT_WRITE_CLOSED,    /* our FIN was acknowledged */
  LP2P_SUBSTREAM_EVENT_STOP_SENDING,    /* stop writing: the peer won't read */
  LP2P_SUBSTREAM_EVENT_REMOTE_RESET,    /* the peer reset the substream */
  LP2P_SUBSTREAM_EVENT_FIN_ACK_TIMEOUT, /* reset by us: no FIN_ACK in time */
  LP2P_SUBSTREAM_EVENT_VIOLATION,       /* reset by us: see the reason */
} Lp2pSubstreamEvent;

/* What the caller must do after an input, in this order: deliver @deliver
 * bytes of the frame's payload, send @send_flag (a flag-only frame) if not
 * LP2P_FLAG_NONE, report @event, close the channel if @close_channel. */
typedef struct
{
  gboolean deliver;
  gint send_flag;
  Lp2pSubstreamEvent event;
  const gchar *reason;          /* static string, for VIOLATION */
  gboolean close_channel;
} Lp2pSubstreamActions;

typedef struct
{
  Lp2pWriteState write;
  Lp2pReadState read;
  gint64 fin_ack_deadline;
  gint64 fin_ack_timeout;
} Lp2pSubstream;

void lp2p_substream_init (Lp2pSubstream * s, gint64 fin_ack_timeout_us);

/* A frame from the peer. */
void lp2p_substream_on_frame (Lp2pSubstream * s, const Lp2pFrame * frame,
    Lp2pSubstreamActions * act);
/* The local writer is done: FIN, then wait for FIN_ACK until now + timeout. */
void lp2p_substream_close_write (Lp2pSubstream * s, gint64 now,
    Lp2pSubstreamActions * act);
/* The local reader is done: STOP_SENDING. */
void lp2p_substream_stop_reading (Lp2pSubstream * s,
    Lp2pSubstreamActions * act);
/* Abort both halves: RESET_STREAM and close. */
void lp2p_substream_reset (Lp2pSubstream * s, Lp2pSubstreamActions * act);
/* Call at or after lp2p_substream_deadline(). */
void lp2p_substream_on_timeout (Lp2pSubstream * s, gint64 now,
    Lp2pSubstreamActions * act);

gint64 lp2p_substream_deadline (const Lp2pSubstream * s);
gboolean lp2p_substream_can_write (const Lp2pSubstream * s);
gboolean lp2p_substream_can_read (const Lp2pSubstream * s);
/* Both halves finished (or reset): the data channel may be closed. */
gboolean lp2p_substream_is_finished (const Lp2pSubstream * s);

const gchar *lp2p_substream_event_to_string (Lp2pSubstreamEvent event);

G_END_DECLS

#endif
