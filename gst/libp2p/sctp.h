/* gst-libp2p: the stream resets in an SCTP packet (RFC 4960, RFC 6525)
 *
 * Only what the element needs to see on the wire: which outgoing streams
 * an SCTP packet asks to reset.  RFC 4960 §3: a 12-byte common header,
 * then chunks (type, flags, length including the 4-byte chunk header,
 * padded to 4 bytes).  RFC 6525 §3.1: the RE-CONFIG chunk (type 130)
 * carries parameters (type, length, padded to 4); §4.1: the Outgoing SSN
 * Reset Request Parameter (type 13) is a request sequence number, a
 * response sequence number, the sender's last assigned TSN and the
 * stream numbers (none: every stream).
 *
 * Why: webrtcbin 1.22 (and GStreamer's main branch) ignores usrsctp's
 * refusal to send a reset while another of its own is outstanding, so a
 * closed channel's reset can still be pending when its id is reused
 * (docs/element.md).  The element reads its own outgoing packets to know
 * when a reset went out.  Bounded by the packet: every length is checked
 * against what is left, nothing is allocated.
 */
#ifndef __LP2P_SCTP_H__
#define __LP2P_SCTP_H__

#include <glib.h>

G_BEGIN_DECLS

#define LP2P_SCTP_COMMON_HEADER 12
#define LP2P_SCTP_CHUNK_RECONFIG 130
#define LP2P_SCTP_PARAM_OUTGOING_RESET 13
#define LP2P_SCTP_PARAM_RESPONSE 16

/* One Outgoing SSN Reset Request: @streams (big-endian pairs of bytes,
 * @n_streams of them; 0: every stream). */
typedef void (*Lp2pSctpResetFunc) (guint32 request_sn, const guint8 * streams,
    guint n_streams, gpointer data);

/* Calls @func for each Outgoing SSN Reset Request in the SCTP packet
 * @pkt.  Returns how many there were, or -1 when the packet is malformed
 * (then @func was called for those before the fault). */
gint lp2p_sctp_outgoing_resets (const guint8 * pkt, gsize len,
    Lp2pSctpResetFunc func, gpointer data);

/* One Re-configuration Response (RFC 6525 §4.4): the sequence number of
 * the request it answers and its result (§4.4: 0 nothing to do, 1
 * performed, 2 denied, 3 wrong SSN, 4 request already in progress, 5 bad
 * sequence number, 6 in progress: the request is to be sent again). */
typedef void (*Lp2pSctpResponseFunc) (guint32 response_sn, guint32 result,
    gpointer data);

/* Calls @func for each Re-configuration Response in the SCTP packet @pkt;
 * returns how many, or -1 when the packet is malformed. */
gint lp2p_sctp_reset_responses (const guint8 * pkt, gsize len,
    Lp2pSctpResponseFunc func, gpointer data);

/* RFC 4960 §3.2: the chunk that carries user data */
#define LP2P_SCTP_CHUNK_DATA 0

/* RFC 4960 §3.2 chunk types that end an association */
#define LP2P_SCTP_CHUNK_ABORT 6
#define LP2P_SCTP_CHUNK_SHUTDOWN 7
#define LP2P_SCTP_CHUNK_SHUTDOWN_ACK 8
#define LP2P_SCTP_CHUNK_SHUTDOWN_COMPLETE 14
#define LP2P_SCTP_ENDING_CHUNKS ((1u << LP2P_SCTP_CHUNK_ABORT) | \
    (1u << LP2P_SCTP_CHUNK_SHUTDOWN) | (1u << LP2P_SCTP_CHUNK_SHUTDOWN_ACK) | \
    (1u << LP2P_SCTP_CHUNK_SHUTDOWN_COMPLETE))

/* The chunk types below 32 present in the packet, as bits (1 << type);
 * 0 for a malformed packet (nothing is trusted of it). */
guint32 lp2p_sctp_chunk_types (const guint8 * pkt, gsize len);

/* A chunk of @type (any, RE-CONFIG included) comes in the packet before
 * anything malformed: what a receiver walking the chunks in order, as
 * usrsctp does, acts on. */
gboolean lp2p_sctp_has_chunk (const guint8 * pkt, gsize len, guint8 type);

/* RFC 4960 Appendix B: the CRC-32C of @data (as SCTP's checksum, before
 * it is written least significant byte first) */
guint32 lp2p_sctp_crc32c (const guint8 * data, gsize len);

/* An ABORT packet (RFC 4960 §3.3.7, no error cause) for the association
 * of @ours, one of our own packets: same ports, same verification tag
 * (the peer's), checksum computed.  FALSE when @ours is shorter than a
 * common header or carries tag 0 (an INIT). */
#define LP2P_SCTP_ABORT_SIZE 16
gboolean lp2p_sctp_make_abort (const guint8 * ours, gsize len,
    guint8 out[LP2P_SCTP_ABORT_SIZE]);

/* The @i-th stream number of a request's @streams. */
static inline guint16
lp2p_sctp_stream_at (const guint8 * streams, guint i)
{
  return (guint16) ((streams[2 * i] << 8) | streams[2 * i + 1]);
}

G_END_DECLS

#endif
