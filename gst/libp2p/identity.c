/* gst-libp2p: a libp2p identity (see identity.h) */
#include "identity.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

struct _Lp2pIdentity
{
  EVP_PKEY *key;
  guint8 seed[32];
  guint8 pub[32];
  Lp2pPeerId peer_id;
};

Lp2pIdentity *
lp2p_identity_new_from_seed (const guint8 seed[32], GError ** error)
{
  Lp2pIdentity *id = g_new0 (Lp2pIdentity, 1);
  guint8 pb[LP2P_ED25519_PUBLIC_KEY_PB_LEN];
  gsize len = 32;

  id->key = EVP_PKEY_new_raw_private_key_ex (NULL, "ED25519", NULL, seed, 32);
  if (id->key == NULL || !EVP_PKEY_get_raw_public_key (id->key, id->pub,
          &len) || len != 32) {
    g_set_error_literal (error, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_KEY,
        "OpenSSL cannot make an Ed25519 key");
    lp2p_identity_free (id);
    return NULL;
  }
  memcpy (id->seed, seed, 32);
  lp2p_public_key_encode_ed25519 (id->pub, pb);
  lp2p_peer_id_from_public_key (pb, sizeof (pb), &id->peer_id);
  return id;
}

Lp2pIdentity *
lp2p_identity_new (GError ** error)
{
  guint8 seed[32];
  Lp2pIdentity *id;

  if (RAND_priv_bytes (seed, sizeof (seed)) != 1) {
    g_set_error_literal (error, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_KEY,
        "OpenSSL's random generator failed");
    return NULL;
  }
  id = lp2p_identity_new_from_seed (seed, error);
  OPENSSL_cleanse (seed, sizeof (seed));
  return id;
}

Lp2pIdentity *
lp2p_identity_new_from_private_key (const guint8 * pb, gsize len,
    GError ** error)
{
  guint8 seed[32], pub[32];
  Lp2pIdentity *id;

  if (!lp2p_private_key_decode_ed25519 (pb, len, seed, pub, error))
    return NULL;
  id = lp2p_identity_new_from_seed (seed, error);
  OPENSSL_cleanse (seed, sizeof (seed));
  if (id && memcmp (id->pub, pub, 32) != 0) {
    g_set_error_literal (error, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_KEY,
        "private key: the public key in it does not belong to its seed");
    lp2p_identity_free (id);
    return NULL;
  }
  return id;
}

void
lp2p_identity_free (Lp2pIdentity * id)
{
  if (id == NULL)
    return;
  EVP_PKEY_free (id->key);
  OPENSSL_cleanse (id, sizeof (*id));
  g_free (id);
}

void
lp2p_identity_get_public (const Lp2pIdentity * id, guint8 pub[32])
{
  memcpy (pub, id->pub, 32);
}

void
lp2p_identity_get_public_key_pb (const Lp2pIdentity * id,
    guint8 out[LP2P_ED25519_PUBLIC_KEY_PB_LEN])
{
  lp2p_public_key_encode_ed25519 (id->pub, out);
}

void
lp2p_identity_get_private_key_pb (const Lp2pIdentity * id,
    guint8 out[LP2P_ED25519_PRIVATE_KEY_PB_LEN])
{
  lp2p_private_key_encode_ed25519 (id->seed, id->pub, out);
}

const Lp2pPeerId *
lp2p_identity_get_peer_id (const Lp2pIdentity * id)
{
  return &id->peer_id;
}

gboolean
lp2p_identity_sign (const Lp2pIdentity * id, const guint8 * msg, gsize len,
    guint8 sig[LP2P_ED25519_SIGNATURE_LEN])
{
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  gsize siglen = LP2P_ED25519_SIGNATURE_LEN;
  gboolean ok;

  /* Ed25519 is one-shot, without a digest (RFC 8032 PureEdDSA) */
  ok = EVP_DigestSignInit_ex (ctx, NULL, NULL, NULL, NULL, id->key, NULL) > 0
      && EVP_DigestSign (ctx, sig, &siglen, msg, len) > 0
      && siglen == LP2P_ED25519_SIGNATURE_LEN;
  EVP_MD_CTX_free (ctx);
  return ok;
}

gboolean
lp2p_identity_verify (const guint8 * pb, gsize pb_len, const guint8 * msg,
    gsize len, const guint8 * sig, gsize sig_len, GError ** error)
{
  Lp2pKeyType type;
  const guint8 *data;
  gsize dlen;
  EVP_PKEY *key;
  EVP_MD_CTX *ctx;
  gboolean ok;

  if (!lp2p_public_key_decode (pb, pb_len, &type, &data, &dlen, error))
    return FALSE;
  if (type != LP2P_KEY_ED25519) {
    static const gchar *names[] = { "RSA", "Ed25519", "secp256k1", "ECDSA" };
    g_set_error (error, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_KEY,
        "the remote identity key is %s: only Ed25519 identities are "
        "supported", names[type]);
    return FALSE;
  }
  if (sig_len != LP2P_ED25519_SIGNATURE_LEN) {
    g_set_error (error, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_KEY,
        "Ed25519 signature of %" G_GSIZE_FORMAT " bytes, not 64", sig_len);
    return FALSE;
  }
  key = EVP_PKEY_new_raw_public_key_ex (NULL, "ED25519", NULL, data, dlen);
  ctx = EVP_MD_CTX_new ();
  ok = key && EVP_DigestVerifyInit_ex (ctx, NULL, NULL, NULL, NULL, key,
      NULL) > 0 && EVP_DigestVerify (ctx, sig, sig_len, msg, len) == 1;
  EVP_MD_CTX_free (ctx);
  EVP_PKEY_free (key);
  if (!ok)
    g_set_error_literal (error, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_KEY,
        "the remote's signature does not verify with its identity key");
  return ok;
}
