/* gst-libp2p: multibase text encodings
 *
 * The text encodings WebRTC-direct addresses use (multiformats/multibase):
 * base58btc for peer ids ('z' when multibase-prefixed, bare in /p2p/),
 * base64url without padding for certhashes ('u'), base32 lower-case without
 * padding for CIDv1 peer ids ('b'), and, on input only, base16 ('f') and
 * base64 without padding ('m').
 *
 * Every decoder is bounded: the input is at most LP2P_MULTIBASE_MAX_INPUT
 * characters and the output never exceeds the caller's buffer.  Decoders are
 * strict: characters outside the alphabet, padding, and non-zero trailing
 * bits (a second spelling of the same bytes) are refused.
 */
#ifndef __LP2P_MULTIBASE_H__
#define __LP2P_MULTIBASE_H__

#include <glib.h>

G_BEGIN_DECLS

/* Longest text a decoder reads: a certhash (sha2-512 in base16 is 133
 * characters) or a peer id (an RSA-4096 identity would be longer, but
 * peer ids above 42 key bytes are sha2-256 multihashes: 46 characters). */
#define LP2P_MULTIBASE_MAX_INPUT 256

#define LP2P_MULTIBASE_ERROR (lp2p_multibase_error_quark ())
GQuark lp2p_multibase_error_quark (void);

typedef enum
{
  LP2P_MULTIBASE_ERROR_EMPTY,
  LP2P_MULTIBASE_ERROR_TOO_LONG,        /* input or output above the bound */
  LP2P_MULTIBASE_ERROR_CHARACTER,       /* outside the alphabet */
  LP2P_MULTIBASE_ERROR_TRAILING_BITS,   /* padding or non-canonical tail */
  LP2P_MULTIBASE_ERROR_UNKNOWN_BASE,    /* multibase prefix we do not read */
} Lp2pMultibaseError;

gchar *lp2p_base58btc_encode (const guint8 * data, gsize len);
gchar *lp2p_base64url_encode (const guint8 * data, gsize len);
gchar *lp2p_base32_encode (const guint8 * data, gsize len);

/* Each decodes @len characters of @s (no prefix) into @out (@cap bytes) and
 * sets *@out_len.  FALSE + @error on invalid input. */
gboolean lp2p_base58btc_decode (const gchar * s, gsize len, guint8 * out,
    gsize cap, gsize * out_len, GError ** error);
gboolean lp2p_base64_decode (const gchar * s, gsize len, gboolean url,
    guint8 * out, gsize cap, gsize * out_len, GError ** error);
gboolean lp2p_base32_decode (const gchar * s, gsize len, guint8 * out,
    gsize cap, gsize * out_len, GError ** error);
gboolean lp2p_base16_decode (const gchar * s, gsize len, guint8 * out,
    gsize cap, gsize * out_len, GError ** error);

/* A multibase string: its first character names the base ('u', 'm', 'z',
 * 'b', 'f'), the rest is decoded with it. */
gboolean lp2p_multibase_decode (const gchar * s, gsize len, guint8 * out,
    gsize cap, gsize * out_len, GError ** error);

G_END_DECLS

#endif
