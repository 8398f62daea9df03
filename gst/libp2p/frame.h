/* gst-libp2p: the libp2p WebRTC frame
 *
 * libp2p over WebRTC (libp2p/specs webrtc/README.md, "Multiplexing") carries
 * every substream on one RTCDataChannel and puts each data-channel message
 * in this envelope:
 *
 *   frame = uvarint(len(body)) || body
 *   body  = protobuf (proto2) Message {
 *             optional Flag  flag    = 1;   // FIN=0 STOP_SENDING=1
 *             optional bytes message = 2;   //   RESET_STREAM=2 FIN_ACK=3
 *           }
 *
 * The flag gives a half-closing protocol that the browser data channel API
 * lacks.  proto2 "optional" has presence: FIN is the explicit bytes "08 00"
 * and a body without field 1 carries no flag, so presence is tracked apart
 * from the value (libp2p/specs PR #412).
 *
 * Sending: the spec caps a frame at 16384 bytes on the wire, length prefix
 * included.  lp2p_frame_max_payload() returns the largest payload that fits
 * even when a flag shares the frame (16377 for 16384, the figure rust-libp2p
 * and js-libp2p use), and the encoder never writes an empty data field
 * (rust-libp2p reads a frame without data as end of stream).
 *
 * Receiving: frames are not data-channel messages.  js-libp2p and go-libp2p
 * write the length varint and the body as two messages, and nothing forbids
 * several frames in one message, so Lp2pFrameDecoder reassembles a byte
 * stream.  litep2p sends 16384-byte payloads, frames of 16391 bytes, over
 * the spec's limit: the decoder accepts bodies up to a configurable cap
 * (default LP2P_FRAME_DEFAULT_MAX_BODY, 64 KiB) and refuses a larger
 * declared length as soon as its varint is read, before any body byte is
 * buffered.
 *
 * The decoder is strict where the spec is precise: an unknown flag value,
 * a field repeated, a known field with the wrong wire type, a wire type
 * protobuf does not define (3, 4, 6, 7) and a body that ends inside a field
 * are each a distinct error.  Unknown fields of wire types 0, 1, 2 and 5 are
 * skipped, as protobuf requires.
 */
#ifndef __LP2P_FRAME_H__
#define __LP2P_FRAME_H__

#include <glib.h>

G_BEGIN_DECLS

/* libp2p/specs webrtc/README.md: "the maximum size of a frame [...] 16 KiB"
 * (prefix included). */
#define LP2P_FRAME_SPEC_MAX_SIZE 16384
/* Receive cap on the body: litep2p's 16388-byte bodies fit, a peer cannot
 * make us buffer more than this per channel. */
#define LP2P_FRAME_DEFAULT_MAX_BODY 65536
/* The bytes a frame adds around its payload at most: frame length varint,
 * flag tag + value, message tag, payload length varint. */
#define LP2P_FRAME_MAX_OVERHEAD (2 * 9 + 3)
/* Smallest frame size the splitting encoder accepts: room for one payload
 * byte next to a flag. */
#define LP2P_FRAME_MIN_SIZE 6

typedef enum
{
  LP2P_FLAG_FIN = 0,
  LP2P_FLAG_STOP_SENDING = 1,
  LP2P_FLAG_RESET_STREAM = 2,
  LP2P_FLAG_FIN_ACK = 3,
} Lp2pFlag;

/* Pass as the flag argument of the encoders for "no flag". */
#define LP2P_FLAG_NONE (-1)

typedef enum
{
  LP2P_FRAME_OK = 0,
  LP2P_FRAME_NEED_MORE,         /* the frame is not complete yet */
  LP2P_FRAME_ERROR_LENGTH,      /* frame length varint non-minimal/overlong */
  LP2P_FRAME_ERROR_TOO_LARGE,   /* declared body length above the cap */
  LP2P_FRAME_ERROR_TRUNCATED,   /* body ends inside a field */
  LP2P_FRAME_ERROR_WIRE_TYPE,   /* wire type 3/4/6/7, or field number 0 */
  LP2P_FRAME_ERROR_FIELD_TYPE,  /* flag not a varint, message not bytes */
  LP2P_FRAME_ERROR_DUPLICATE,   /* flag or message given twice */
  LP2P_FRAME_ERROR_UNKNOWN_FLAG,        /* flag value not 0..3 */
} Lp2pFrameResult;

typedef struct
{
  gboolean has_flag;
  Lp2pFlag flag;
  /* Payload: points into the decoded input, valid until the input (or the
   * decoder's buffer) changes.  NULL with length 0 when absent or empty. */
  const guint8 *data;
  gsize size;
} Lp2pFrame;

/* Human-readable description of @result, for error messages. */
const gchar *lp2p_frame_result_to_string (Lp2pFrameResult result);

/* ---- encoding ---- */

/* Largest payload per frame such that a frame with a payload and a flag is at
 * most @max_frame_size bytes on the wire (16384 -> 16377).  Returns 0 if
 * @max_frame_size < LP2P_FRAME_MIN_SIZE. */
gsize lp2p_frame_max_payload (gsize max_frame_size);

/* Writes the bytes that precede a payload of @size bytes (frame length, flag,
 * message tag and length) to @out and returns their count.  The frame is the
 * header followed by the payload.  @flag is an Lp2pFlag or LP2P_FLAG_NONE; with
 * @size 0 the message field is left out (a flag-only frame is "02 08 xx"). */
gsize lp2p_frame_encode_header (gint flag, gsize size,
    guint8 out[LP2P_FRAME_MAX_OVERHEAD]);

/* One whole frame in a new GBytes. */
GBytes *lp2p_frame_encode (gint flag, const guint8 * data, gsize size);

/* Splits @size bytes into frames of at most @max_frame_size bytes on the wire
 * (payloads of lp2p_frame_max_payload() bytes, the last one shorter) and
 * returns them as an array of GBytes; @flag, if any, rides on the last frame.
 * Zero bytes with a flag give one flag-only frame; zero bytes without a flag
 * give an empty array (an empty data frame is never sent). */
GPtrArray *lp2p_frame_encode_split (gint flag, const guint8 * data,
    gsize size, gsize max_frame_size);

/* ---- decoding ---- */

/* Decodes one frame at the start of @data.  On LP2P_FRAME_OK, *@frame points
 * into @data and *@consumed is the frame's length on the wire. */
Lp2pFrameResult lp2p_frame_decode (const guint8 * data, gsize len,
    gsize max_body, Lp2pFrame * frame, gsize * consumed);

/* Streaming decoder: push data-channel messages in, take frames out. */
typedef struct
{
  GByteArray *buf;
  gsize pos;                    /* start of the first undecoded byte */
  gsize max_body;
  Lp2pFrameResult error;        /* sticky once an error was returned */
} Lp2pFrameDecoder;

void lp2p_frame_decoder_init (Lp2pFrameDecoder * dec, gsize max_body);
void lp2p_frame_decoder_clear (Lp2pFrameDecoder * dec);
/* Appends bytes; frames are then taken with lp2p_frame_decoder_next(). */
void lp2p_frame_decoder_push (Lp2pFrameDecoder * dec, const guint8 * data,
    gsize len);
/* Takes the next complete frame.  *@frame is valid until the next push or
 * next call.  Errors are sticky: the byte stream cannot be resynchronised. */
Lp2pFrameResult lp2p_frame_decoder_next (Lp2pFrameDecoder * dec,
    Lp2pFrame * frame);
/* Bytes held that do not make a whole frame yet. */
gsize lp2p_frame_decoder_pending (const Lp2pFrameDecoder * dec);

G_END_DECLS

#endif
