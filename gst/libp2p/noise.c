/* gst-libp2p: Noise_XX_25519_ChaChaPoly_SHA256 (see noise.h)
 *
 * State names follow the Noise spec §5: CipherState (k, n), SymmetricState
 * (ck, h), HandshakeState (s, e, rs, re). */
#include "noise.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

G_DEFINE_QUARK (lp2p-noise-error-quark, lp2p_noise_error);

#define HASHLEN 32
#define DHLEN 32

struct _Lp2pNoise
{
  gboolean initiator;
  guint step;                   /* messages done: 0..3 */
  /* CipherState */
  gboolean has_k;
  guint8 k[32];
  guint64 n;
  /* SymmetricState */
  guint8 ck[HASHLEN];
  guint8 h[HASHLEN];
  /* HandshakeState */
  EVP_PKEY *s, *e;
  guint8 s_pub[DHLEN], e_pub[DHLEN];
  gboolean has_rs, has_re;
  guint8 rs[DHLEN], re[DHLEN];
};

/* ---- primitives ---- */

static void
sha256_2 (const guint8 * a, gsize alen, const guint8 * b, gsize blen,
    guint8 out[HASHLEN])
{
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  unsigned int len = HASHLEN;

  EVP_DigestInit_ex2 (ctx, EVP_sha256 (), NULL);
  EVP_DigestUpdate (ctx, a, alen);
  if (blen)
    EVP_DigestUpdate (ctx, b, blen);
  EVP_DigestFinal_ex (ctx, out, &len);
  EVP_MD_CTX_free (ctx);
}

static gboolean
hmac_sha256 (const guint8 key[HASHLEN], const guint8 * a, gsize alen,
    const guint8 * b, gsize blen, guint8 out[HASHLEN])
{
  EVP_MAC *mac = EVP_MAC_fetch (NULL, "HMAC", NULL);
  EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new (mac) : NULL;
  OSSL_PARAM params[2];
  gsize outl = 0;
  gboolean ok;

  params[0] = OSSL_PARAM_construct_utf8_string ("digest", (char *) "SHA256",
      0);
  params[1] = OSSL_PARAM_construct_end ();
  ok = ctx && EVP_MAC_init (ctx, key, HASHLEN, params)
      && EVP_MAC_update (ctx, a, alen)
      && (blen == 0 || EVP_MAC_update (ctx, b, blen))
      && EVP_MAC_final (ctx, out, &outl, HASHLEN) && outl == HASHLEN;
  EVP_MAC_CTX_free (ctx);
  EVP_MAC_free (mac);
  return ok;
}

/* Noise §4.3 HKDF with two outputs. */
static gboolean
hkdf2 (const guint8 ck[HASHLEN], const guint8 * ikm, gsize ikm_len,
    guint8 o1[HASHLEN], guint8 o2[HASHLEN])
{
  guint8 temp[HASHLEN];
  static const guint8 one = 1, two = 2;
  gboolean ok;

  ok = hmac_sha256 (ck, ikm, ikm_len, NULL, 0, temp)
      && hmac_sha256 (temp, &one, 1, NULL, 0, o1)
      && hmac_sha256 (temp, o1, HASHLEN, &two, 1, o2);
  OPENSSL_cleanse (temp, sizeof (temp));
  return ok;
}

static void
nonce_bytes (guint64 n, guint8 out[12])
{
  guint i;

  memset (out, 0, 4);
  for (i = 0; i < 8; i++)
    out[4 + i] = (n >> (8 * i)) & 0xff;
}

static gboolean
chachapoly (gboolean enc, const guint8 key[32], guint64 n, const guint8 * ad,
    gsize ad_len, const guint8 * in, gsize len, guint8 * out)
{
  EVP_CIPHER_CTX *ctx;
  guint8 nonce[12];
  int l = 0;
  gboolean ok;
  gsize body = enc ? len : len - LP2P_NOISE_TAG_LEN;

  if (!enc && len < LP2P_NOISE_TAG_LEN)
    return FALSE;
  if (len > G_MAXINT)
    return FALSE;
  nonce_bytes (n, nonce);
  ctx = EVP_CIPHER_CTX_new ();
  if (enc) {
    ok = EVP_EncryptInit_ex2 (ctx, EVP_chacha20_poly1305 (), key, nonce, NULL)
        && EVP_EncryptUpdate (ctx, NULL, &l, ad, (int) ad_len)
        && (body == 0 || EVP_EncryptUpdate (ctx, out, &l, in, (int) body))
        && EVP_EncryptFinal_ex (ctx, out + body, &l)
        && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_AEAD_GET_TAG,
        LP2P_NOISE_TAG_LEN, out + body) > 0;
  } else {
    ok = EVP_DecryptInit_ex2 (ctx, EVP_chacha20_poly1305 (), key, nonce, NULL)
        && EVP_DecryptUpdate (ctx, NULL, &l, ad, (int) ad_len)
        && (body == 0 || EVP_DecryptUpdate (ctx, out, &l, in, (int) body))
        && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_AEAD_SET_TAG,
        LP2P_NOISE_TAG_LEN, (void *) (in + body)) > 0
        && EVP_DecryptFinal_ex (ctx, out + body, &l) > 0;
  }
  EVP_CIPHER_CTX_free (ctx);
  return ok;
}

gboolean
lp2p_chachapoly_seal (const guint8 key[32], guint64 nonce, const guint8 * ad,
    gsize ad_len, const guint8 * in, gsize len, guint8 * out)
{
  return chachapoly (TRUE, key, nonce, ad, ad_len, in, len, out);
}

gboolean
lp2p_chachapoly_open (const guint8 key[32], guint64 nonce, const guint8 * ad,
    gsize ad_len, const guint8 * in, gsize len, guint8 * out)
{
  return chachapoly (FALSE, key, nonce, ad, ad_len, in, len, out);
}

static EVP_PKEY *
x25519_key (const guint8 * priv, guint8 pub[DHLEN])
{
  EVP_PKEY *key;
  gsize len = DHLEN;

  if (priv)
    key = EVP_PKEY_new_raw_private_key_ex (NULL, "X25519", NULL, priv, DHLEN);
  else
    key = EVP_PKEY_Q_keygen (NULL, NULL, "X25519");
  if (key && (!EVP_PKEY_get_raw_public_key (key, pub, &len) || len != DHLEN)) {
    EVP_PKEY_free (key);
    key = NULL;
  }
  return key;
}

static gboolean
x25519_dh (EVP_PKEY * priv, const guint8 pub[DHLEN], guint8 out[DHLEN],
    GError ** error)
{
  EVP_PKEY *peer;
  EVP_PKEY_CTX *ctx;
  gsize len = DHLEN;
  gboolean ok;

  peer = EVP_PKEY_new_raw_public_key_ex (NULL, "X25519", NULL, pub, DHLEN);
  ctx = peer ? EVP_PKEY_CTX_new_from_pkey (NULL, priv, NULL) : NULL;
  /* OpenSSL refuses an all-zero result (a low-order peer point). */
  ok = ctx && EVP_PKEY_derive_init (ctx) > 0
      && EVP_PKEY_derive_set_peer (ctx, peer) > 0
      && EVP_PKEY_derive (ctx, out, &len) > 0 && len == DHLEN;
  EVP_PKEY_CTX_free (ctx);
  EVP_PKEY_free (peer);
  if (!ok)
    g_set_error_literal (error, LP2P_NOISE_ERROR, LP2P_NOISE_ERROR_DH,
        "X25519 failed (the remote key is a low-order point?)");
  return ok;
}

/* ---- SymmetricState ---- */

static void
mix_hash (Lp2pNoise * st, const guint8 * data, gsize len)
{
  sha256_2 (st->h, HASHLEN, data, len, st->h);
}

static gboolean
mix_key (Lp2pNoise * st, const guint8 ikm[DHLEN], GError ** error)
{
  if (!hkdf2 (st->ck, ikm, DHLEN, st->ck, st->k)) {
    g_set_error_literal (error, LP2P_NOISE_ERROR, LP2P_NOISE_ERROR_CRYPTO,
        "HKDF failed");
    return FALSE;
  }
  st->has_k = TRUE;
  st->n = 0;
  return TRUE;
}

static gboolean
mix_dh (Lp2pNoise * st, EVP_PKEY * priv, const guint8 pub[DHLEN],
    GError ** error)
{
  guint8 dh[DHLEN];
  gboolean ok;

  ok = x25519_dh (priv, pub, dh, error) && mix_key (st, dh, error);
  OPENSSL_cleanse (dh, sizeof (dh));
  return ok;
}

static gboolean
encrypt_and_hash (Lp2pNoise * st, const guint8 * in, gsize len,
    GByteArray * out, GError ** error)
{
  gsize start = out->len;

  if (!st->has_k) {
    g_byte_array_append (out, in, len);
  } else {
    g_byte_array_set_size (out, start + len + LP2P_NOISE_TAG_LEN);
    if (!chachapoly (TRUE, st->k, st->n, st->h, HASHLEN, in, len,
            out->data + start)) {
      g_set_error_literal (error, LP2P_NOISE_ERROR, LP2P_NOISE_ERROR_CRYPTO,
          "ChaCha20-Poly1305 failed");
      return FALSE;
    }
    st->n++;
  }
  mix_hash (st, out->data + start, out->len - start);
  return TRUE;
}

static gboolean
decrypt_and_hash (Lp2pNoise * st, const guint8 * in, gsize len,
    guint8 * out, GError ** error)
{
  if (!st->has_k) {
    if (len)
      memcpy (out, in, len);
  } else if (!chachapoly (FALSE, st->k, st->n, st->h, HASHLEN, in, len, out)) {
    g_set_error_literal (error, LP2P_NOISE_ERROR, LP2P_NOISE_ERROR_DECRYPT,
        "decryption failed: the message was not made with our keys and "
        "prologue");
    return FALSE;
  } else {
    st->n++;
  }
  mix_hash (st, in, len);
  return TRUE;
}

/* ---- HandshakeState ---- */

Lp2pNoise *
lp2p_noise_new (gboolean initiator, const guint8 * prologue,
    gsize prologue_len, const guint8 * static_priv,
    const guint8 * ephemeral_priv, GError ** error)
{
  Lp2pNoise *st = g_new0 (Lp2pNoise, 1);

  G_STATIC_ASSERT (sizeof (LP2P_NOISE_PROTOCOL_NAME) - 1 == HASHLEN);
  st->initiator = initiator;
  memcpy (st->h, LP2P_NOISE_PROTOCOL_NAME, HASHLEN);
  memcpy (st->ck, st->h, HASHLEN);
  mix_hash (st, prologue, prologue_len);
  st->s = x25519_key (static_priv, st->s_pub);
  st->e = x25519_key (ephemeral_priv, st->e_pub);
  if (st->s == NULL || st->e == NULL) {
    g_set_error_literal (error, LP2P_NOISE_ERROR, LP2P_NOISE_ERROR_CRYPTO,
        "cannot make X25519 keys");
    lp2p_noise_free (st);
    return NULL;
  }
  return st;
}

void
lp2p_noise_free (Lp2pNoise * st)
{
  if (st == NULL)
    return;
  EVP_PKEY_free (st->s);
  EVP_PKEY_free (st->e);
  OPENSSL_cleanse (st, sizeof (*st));
  g_free (st);
}

gboolean
lp2p_noise_is_my_turn (const Lp2pNoise * st)
{
  /* messages 0 and 2 are the initiator's */
  return st->step < 3 && ((st->step % 2 == 0) == st->initiator);
}

gboolean
lp2p_noise_is_finished (const Lp2pNoise * st)
{
  return st->step == 3;
}

gboolean
lp2p_noise_write_message (Lp2pNoise * st, const guint8 * payload,
    gsize payload_len, GByteArray * out, GError ** error)
{
  guint start = out->len;

  if (!lp2p_noise_is_my_turn (st)) {
    g_set_error_literal (error, LP2P_NOISE_ERROR, LP2P_NOISE_ERROR_STATE,
        "not our turn to write a handshake message");
    return FALSE;
  }
  switch (st->step) {
    case 0:                    /* -> e */
      g_byte_array_append (out, st->e_pub, DHLEN);
      mix_hash (st, st->e_pub, DHLEN);
      break;
    case 1:                    /* <- e, ee, s, es */
      g_byte_array_append (out, st->e_pub, DHLEN);
      mix_hash (st, st->e_pub, DHLEN);
      if (!mix_dh (st, st->e, st->re, error)
          || !encrypt_and_hash (st, st->s_pub, DHLEN, out, error)
          || !mix_dh (st, st->s, st->re, error))
        return FALSE;
      break;
    case 2:                    /* -> s, se */
      if (!encrypt_and_hash (st, st->s_pub, DHLEN, out, error)
          || !mix_dh (st, st->s, st->re, error))
        return FALSE;
      break;
  }
  if (!encrypt_and_hash (st, payload, payload_len, out, error))
    return FALSE;
  if (out->len - start > LP2P_NOISE_MAX_MESSAGE) {
    g_set_error (error, LP2P_NOISE_ERROR, LP2P_NOISE_ERROR_MESSAGE,
        "handshake message of %u bytes, more than %d", out->len - start,
        LP2P_NOISE_MAX_MESSAGE);
    return FALSE;
  }
  st->step++;
  return TRUE;
}

gboolean
lp2p_noise_read_message (Lp2pNoise * st, const guint8 * msg, gsize len,
    GByteArray * payload, GError ** error)
{
  gsize pos = 0, need, start = payload->len;

  if (st->step >= 3 || lp2p_noise_is_my_turn (st)) {
    g_set_error_literal (error, LP2P_NOISE_ERROR, LP2P_NOISE_ERROR_STATE,
        st->step >= 3 ? "the handshake is finished" :
        "a handshake message arrived when it was our turn to write");
    return FALSE;
  }
  /* fixed part of each message, then at least the payload's tag */
  need = st->step == 0 ? DHLEN : st->step == 1 ?
      DHLEN + DHLEN + LP2P_NOISE_TAG_LEN + LP2P_NOISE_TAG_LEN :
      DHLEN + LP2P_NOISE_TAG_LEN + LP2P_NOISE_TAG_LEN;
  if (len < need || len > LP2P_NOISE_MAX_MESSAGE) {
    g_set_error (error, LP2P_NOISE_ERROR, LP2P_NOISE_ERROR_MESSAGE,
        "handshake message %u of %" G_GSIZE_FORMAT " bytes (needs %"
        G_GSIZE_FORMAT " to %d)", st->step + 1, len, need,
        LP2P_NOISE_MAX_MESSAGE);
    return FALSE;
  }
  switch (st->step) {
    case 0:                    /* -> e */
      memcpy (st->re, msg, DHLEN);
      st->has_re = TRUE;
      mix_hash (st, st->re, DHLEN);
      pos = DHLEN;
      break;
    case 1:                    /* <- e, ee, s, es */
      memcpy (st->re, msg, DHLEN);
      st->has_re = TRUE;
      mix_hash (st, st->re, DHLEN);
      pos = DHLEN;
      if (!mix_dh (st, st->e, st->re, error)
          || !decrypt_and_hash (st, msg + pos, DHLEN + LP2P_NOISE_TAG_LEN,
              st->rs, error))
        return FALSE;
      st->has_rs = TRUE;
      pos += DHLEN + LP2P_NOISE_TAG_LEN;
      if (!mix_dh (st, st->e, st->rs, error))
        return FALSE;
      break;
    case 2:                    /* -> s, se */
      if (!decrypt_and_hash (st, msg, DHLEN + LP2P_NOISE_TAG_LEN, st->rs,
              error))
        return FALSE;
      st->has_rs = TRUE;
      pos = DHLEN + LP2P_NOISE_TAG_LEN;
      if (!mix_dh (st, st->e, st->rs, error))
        return FALSE;
      break;
  }
  g_byte_array_set_size (payload, start + len - pos);
  if (!decrypt_and_hash (st, msg + pos, len - pos, payload->data + start,
          error)) {
    g_byte_array_set_size (payload, start);
    return FALSE;
  }
  if (st->has_k)
    g_byte_array_set_size (payload, payload->len - LP2P_NOISE_TAG_LEN);
  st->step++;
  return TRUE;
}

void
lp2p_noise_get_local_static (const Lp2pNoise * st, guint8 pub[32])
{
  memcpy (pub, st->s_pub, DHLEN);
}

const guint8 *
lp2p_noise_get_remote_static (const Lp2pNoise * st)
{
  return st->has_rs ? st->rs : NULL;
}

void
lp2p_noise_get_handshake_hash (const Lp2pNoise * st, guint8 h[32])
{
  memcpy (h, st->h, HASHLEN);
}

gboolean
lp2p_noise_split (const Lp2pNoise * st, guint8 k1[32], guint8 k2[32])
{
  if (st->step != 3)
    return FALSE;
  return hkdf2 (st->ck, NULL, 0, k1, k2);
}
