/* gst-libp2p: a libp2p identity (Ed25519 key pair) through OpenSSL 3
 *
 * libp2p/specs peer-ids/peer-ids.md: Ed25519 signatures are plain RFC 8032;
 * the private key file format is the PrivateKey protobuf with Data = seed ||
 * public key.  Only Ed25519 identities are made here (the default of
 * litep2p, smoldot, js-, go- and rust-libp2p); remote identities of other
 * key types are refused by lp2p_identity_verify() with a clear error.
 */
#ifndef __LP2P_IDENTITY_H__
#define __LP2P_IDENTITY_H__

#include <glib.h>
#include "peerid.h"

G_BEGIN_DECLS

#define LP2P_ED25519_SIGNATURE_LEN 64

typedef struct _Lp2pIdentity Lp2pIdentity;

/* A new random key (OpenSSL's CSPRNG). */
Lp2pIdentity *lp2p_identity_new (GError ** error);
Lp2pIdentity *lp2p_identity_new_from_seed (const guint8 seed[32],
    GError ** error);
/* From a PrivateKey protobuf (68 bytes; the legacy 100-byte form too).  The
 * public key in it must match the seed. */
Lp2pIdentity *lp2p_identity_new_from_private_key (const guint8 * pb,
    gsize len, GError ** error);
void lp2p_identity_free (Lp2pIdentity * id);

void lp2p_identity_get_public (const Lp2pIdentity * id, guint8 pub[32]);
void lp2p_identity_get_public_key_pb (const Lp2pIdentity * id,
    guint8 out[LP2P_ED25519_PUBLIC_KEY_PB_LEN]);
void lp2p_identity_get_private_key_pb (const Lp2pIdentity * id,
    guint8 out[LP2P_ED25519_PRIVATE_KEY_PB_LEN]);
const Lp2pPeerId *lp2p_identity_get_peer_id (const Lp2pIdentity * id);
gboolean lp2p_identity_sign (const Lp2pIdentity * id, const guint8 * msg,
    gsize len, guint8 sig[LP2P_ED25519_SIGNATURE_LEN]);

/* Verifies @sig over @msg with the key in the PublicKey protobuf @pb. */
gboolean lp2p_identity_verify (const guint8 * pb, gsize pb_len,
    const guint8 * msg, gsize len, const guint8 * sig, gsize sig_len,
    GError ** error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Lp2pIdentity, lp2p_identity_free);

G_END_DECLS

#endif
