/* gst-libp2p: libp2p peer ids and public-key protobufs
 *
 * libp2p/specs peer-ids/peer-ids.md:
 *  - a public key travels as the protobuf PublicKey { required KeyType Type
 *    = 1; required bytes Data = 2; } (Ed25519 = 1: 32 raw bytes), written
 *    deterministically: `08 01 12 20 <32 bytes>` for Ed25519;
 *  - the peer id is the multihash of that protobuf: the identity multihash
 *    (`00 <len> <protobuf>`) when it is at most 42 bytes, else sha2-256
 *    (`12 20 <digest>`);
 *  - as text it is base58btc of the multihash (12D3KooW... for Ed25519,
 *    Qm... for sha2-256), or a CIDv1 (`b` + base32 of `01 72 <multihash>`,
 *    codec libp2p-key), which parsers must accept.
 * Sizes are bounded: a peer id multihash is at most LP2P_PEER_ID_MAX_LEN
 * bytes, a public key protobuf at most LP2P_PUBLIC_KEY_MAX_LEN.
 */
#ifndef __LP2P_PEERID_H__
#define __LP2P_PEERID_H__

#include <glib.h>

G_BEGIN_DECLS

/* identity multihash of a <= 42-byte key: 2 + 42 bytes */
#define LP2P_PEER_ID_MAX_LEN 44
#define LP2P_PEER_ID_MAX_INLINE_KEY 42
/* An RSA-4096 PKIX key is ~550 bytes; nothing larger is a key. */
#define LP2P_PUBLIC_KEY_MAX_LEN 1024

#define LP2P_MULTIHASH_IDENTITY 0x00
#define LP2P_MULTIHASH_SHA2_256 0x12
#define LP2P_CID_LIBP2P_KEY 0x72

typedef enum
{
  LP2P_KEY_RSA = 0,
  LP2P_KEY_ED25519 = 1,
  LP2P_KEY_SECP256K1 = 2,
  LP2P_KEY_ECDSA = 3,
} Lp2pKeyType;

#define LP2P_PEERID_ERROR (lp2p_peerid_error_quark ())
GQuark lp2p_peerid_error_quark (void);

typedef enum
{
  LP2P_PEERID_ERROR_ENCODING,   /* base58 / CID text */
  LP2P_PEERID_ERROR_MULTIHASH,  /* not an identity or sha2-256 multihash */
  LP2P_PEERID_ERROR_KEY,        /* malformed PublicKey protobuf */
} Lp2pPeerIdError;

typedef struct
{
  guint8 bytes[LP2P_PEER_ID_MAX_LEN];   /* the multihash */
  gsize len;
} Lp2pPeerId;

/* Parses base58btc or CIDv1 text.  The multihash must be identity (with a
 * PublicKey protobuf inside) or sha2-256 with a 32-byte digest. */
gboolean lp2p_peer_id_parse (const gchar * text, Lp2pPeerId * id,
    GError ** error);
/* Checks multihash bytes, e.g. from a binary /p2p/ component. */
gboolean lp2p_peer_id_from_bytes (const guint8 * mh, gsize len,
    Lp2pPeerId * id, GError ** error);
/* base58btc text, newly allocated */
gchar *lp2p_peer_id_to_string (const Lp2pPeerId * id);
gboolean lp2p_peer_id_equal (const Lp2pPeerId * a, const Lp2pPeerId * b);
/* The peer id of a PublicKey protobuf (as it arrived: not re-encoded). */
void lp2p_peer_id_from_public_key (const guint8 * pb, gsize len,
    Lp2pPeerId * id);

/* `08 01 12 20 <pub>` */
#define LP2P_ED25519_PUBLIC_KEY_PB_LEN 36
void lp2p_public_key_encode_ed25519 (const guint8 pub[32],
    guint8 out[LP2P_ED25519_PUBLIC_KEY_PB_LEN]);
/* Parses a PublicKey protobuf strictly (both fields once, in order, nothing
 * else, as the spec's deterministic encoding requires); *@data points into
 * @pb. */
gboolean lp2p_public_key_decode (const guint8 * pb, gsize len,
    Lp2pKeyType * type, const guint8 ** data, gsize * data_len,
    GError ** error);
/* A PrivateKey protobuf of type Ed25519: Data = seed || public key (64
 * bytes; the legacy 96-byte form repeats the public key).  Sets @seed and
 * @pub. */
gboolean lp2p_private_key_decode_ed25519 (const guint8 * pb, gsize len,
    guint8 seed[32], guint8 pub[32], GError ** error);
/* `08 01 12 40 <seed> <pub>` (68 bytes) */
#define LP2P_ED25519_PRIVATE_KEY_PB_LEN 68
void lp2p_private_key_encode_ed25519 (const guint8 seed[32],
    const guint8 pub[32], guint8 out[LP2P_ED25519_PRIVATE_KEY_PB_LEN]);

G_END_DECLS

#endif
