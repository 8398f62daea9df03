/* gst-libp2p: the Noise XX handshake, Noise_XX_25519_ChaChaPoly_SHA256
 *
 * The Noise Protocol Framework (rev. 34, noiseprotocol.org/noise.html) as
 * libp2p uses it (libp2p/specs noise/README.md): pattern XX
 *
 *   -> e
 *   <- e, ee, s, es
 *   -> s, se
 *
 * with X25519, ChaCha20-Poly1305 (nonce = 4 zero bytes || 64-bit counter,
 * little-endian) and SHA-256.  The protocol name is exactly HASHLEN bytes,
 * so h starts as the name itself and ck = h.  Crypto goes through OpenSSL 3
 * EVP only.  Sans-IO: the caller moves the messages; a message is at most
 * LP2P_NOISE_MAX_MESSAGE bytes.  The transport phase is not used by libp2p
 * WebRTC (only Split is exposed, for the test vectors).
 */
#ifndef __LP2P_NOISE_H__
#define __LP2P_NOISE_H__

#include <glib.h>

G_BEGIN_DECLS

#define LP2P_NOISE_PROTOCOL_NAME "Noise_XX_25519_ChaChaPoly_SHA256"
#define LP2P_NOISE_MAX_MESSAGE 65535
#define LP2P_NOISE_KEY_LEN 32
#define LP2P_NOISE_TAG_LEN 16

#define LP2P_NOISE_ERROR (lp2p_noise_error_quark ())
GQuark lp2p_noise_error_quark (void);

typedef enum
{
  LP2P_NOISE_ERROR_STATE,       /* write/read out of turn, or finished */
  LP2P_NOISE_ERROR_MESSAGE,     /* too short or too long */
  LP2P_NOISE_ERROR_DECRYPT,     /* authentication tag mismatch */
  LP2P_NOISE_ERROR_DH,          /* low-order point (all-zero shared secret) */
  LP2P_NOISE_ERROR_CRYPTO,      /* OpenSSL failed otherwise */
} Lp2pNoiseError;

typedef struct _Lp2pNoise Lp2pNoise;

/* A handshake state.  @static_priv and @ephemeral_priv (X25519 private
 * keys) may be NULL: then they are generated (the ephemeral always is,
 * outside test vectors). */
Lp2pNoise *lp2p_noise_new (gboolean initiator, const guint8 * prologue,
    gsize prologue_len, const guint8 * static_priv,
    const guint8 * ephemeral_priv, GError ** error);
void lp2p_noise_free (Lp2pNoise * noise);

/* TRUE when the next step is ours to write. */
gboolean lp2p_noise_is_my_turn (const Lp2pNoise * noise);
gboolean lp2p_noise_is_finished (const Lp2pNoise * noise);

/* Appends the next handshake message carrying @payload to @out. */
gboolean lp2p_noise_write_message (Lp2pNoise * noise, const guint8 * payload,
    gsize payload_len, GByteArray * out, GError ** error);
/* Reads the next handshake message; its payload is appended to @payload. */
gboolean lp2p_noise_read_message (Lp2pNoise * noise, const guint8 * msg,
    gsize len, GByteArray * payload, GError ** error);

void lp2p_noise_get_local_static (const Lp2pNoise * noise, guint8 pub[32]);
/* The remote static key, once received (NULL before). */
const guint8 *lp2p_noise_get_remote_static (const Lp2pNoise * noise);
void lp2p_noise_get_handshake_hash (const Lp2pNoise * noise, guint8 h[32]);
/* After the last message: the initiator's sending key @k1 and the
 * responder's @k2. */
gboolean lp2p_noise_split (const Lp2pNoise * noise, guint8 k1[32],
    guint8 k2[32]);

/* ChaCha20-Poly1305 as Noise uses it; @out gets len + 16 bytes (seal) or
 * len - 16 (open). */
gboolean lp2p_chachapoly_seal (const guint8 key[32], guint64 nonce,
    const guint8 * ad, gsize ad_len, const guint8 * in, gsize len,
    guint8 * out);
gboolean lp2p_chachapoly_open (const guint8 key[32], guint64 nonce,
    const guint8 * ad, gsize ad_len, const guint8 * in, gsize len,
    guint8 * out);

G_END_DECLS

#endif
