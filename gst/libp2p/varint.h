/* gst-libp2p: multiformats unsigned varint
 *
 * The unsigned LEB128 varint of multiformats/unsigned-varint: seven value
 * bits per byte, least significant group first, the high bit set on every
 * byte but the last.  It prefixes both layers libp2p WebRTC speaks: the
 * length of each WebRTC frame and the length of each multistream-select
 * message.
 *
 * The multiformats spec forbids non-minimal encodings ("80 00" for 0) and
 * caps a varint at 9 bytes (63 value bits).  Callers can ask for a smaller
 * cap: multistream-select readers of rust-libp2p and litep2p take at most 2
 * bytes (rust-libp2p misc/multistream-select length_delimited.rs,
 * MAX_LEN_BYTES), and a frame reader whose size cap fits in 3 bytes can
 * refuse a fourth continuation byte at once instead of waiting for it.
 *
 * Decoding distinguishes "need more bytes" (a prefix of a valid varint)
 * from "invalid" (no continuation can make it valid), so streaming readers
 * wait in the first case and fail in the second.
 */
#ifndef __LP2P_VARINT_H__
#define __LP2P_VARINT_H__

#include <glib.h>

G_BEGIN_DECLS

/* multiformats/unsigned-varint README: "the maximum size of a varint is
 * 9 bytes", so values are below 2^63. */
#define LP2P_VARINT_MAX_BYTES 9
#define LP2P_VARINT_MAX_VALUE G_GUINT64_CONSTANT (0x7fffffffffffffff)

typedef enum
{
  LP2P_VARINT_OK,
  LP2P_VARINT_NEED_MORE,        /* a valid prefix: wait for more bytes */
  LP2P_VARINT_INVALID,          /* non-minimal or longer than allowed */
} Lp2pVarintResult;

/* Writes the minimal encoding of @value (<= LP2P_VARINT_MAX_VALUE) to @out and
 * returns the number of bytes written (1..9). */
gsize lp2p_varint_encode (guint64 value, guint8 out[LP2P_VARINT_MAX_BYTES]);

/* Number of bytes lp2p_varint_encode() would write for @value. */
gsize lp2p_varint_size (guint64 value);

/* Decodes one varint at the start of @data (@len bytes), taking at most
 * @max_bytes bytes (1..LP2P_VARINT_MAX_BYTES).  On LP2P_VARINT_OK, *@value and
 * *@consumed are set; otherwise they are left untouched. */
Lp2pVarintResult lp2p_varint_decode (const guint8 * data, gsize len,
    gsize max_bytes, guint64 * value, gsize * consumed);

G_END_DECLS

#endif
