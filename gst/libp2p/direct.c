/* gst-libp2p: the WebRTC-direct security handshake (see direct.h) */
#include "direct.h"
#include "frame.h"
#include "noise.h"
#include "varint.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <string.h>

G_DEFINE_QUARK (lp2p-direct-error-quark, lp2p_direct_error);

struct _Lp2pDirectNoise
{
  const Lp2pIdentity *identity;
  Lp2pNoise *noise;
  gboolean initiator;
  gboolean has_expected;
  Lp2pPeerId expected;
  Lp2pPeerId remote;
  Lp2pFrameDecoder frames;
  GByteArray *stream;           /* Noise bytes not yet a whole message */
  Lp2pDirectStatus status;
  GError *error;                /* sticky once FAILED */
};

void
lp2p_direct_prologue (const guint8 client_fp[32], const guint8 server_fp[32],
    guint8 out[LP2P_DIRECT_PROLOGUE_LEN])
{
  memcpy (out, LP2P_DIRECT_PROLOGUE_PREFIX, 20);
  out[20] = 0x12;
  out[21] = 0x20;
  memcpy (out + 22, client_fp, 32);
  out[54] = 0x12;
  out[55] = 0x20;
  memcpy (out + 56, server_fp, 32);
}

/* ---- NoiseHandshakePayload ---- */

static void
append_bytes_field (GByteArray * out, guint field, const guint8 * data,
    gsize len)
{
  guint8 buf[LP2P_VARINT_MAX_BYTES];
  guint8 tag = (guint8) (field << 3 | 2);

  g_byte_array_append (out, &tag, 1);
  g_byte_array_append (out, buf, lp2p_varint_encode (len, buf));
  g_byte_array_append (out, data, len);
}

/* What an identity key signs: "noise-libp2p-static-key:" || the Noise
 * static public key. */
static void
signed_message (const guint8 static_pub[32], guint8 out[24 + 32])
{
  memcpy (out, LP2P_NOISE_STATIC_KEY_PREFIX, 24);
  memcpy (out + 24, static_pub, 32);
}

gboolean
lp2p_noise_payload_encode (const Lp2pIdentity * id,
    const guint8 static_pub[32], GByteArray * out)
{
  guint8 pb[LP2P_ED25519_PUBLIC_KEY_PB_LEN];
  guint8 msg[24 + 32];
  guint8 sig[LP2P_ED25519_SIGNATURE_LEN];

  signed_message (static_pub, msg);
  if (!lp2p_identity_sign (id, msg, sizeof (msg), sig))
    return FALSE;
  lp2p_identity_get_public_key_pb (id, pb);
  append_bytes_field (out, 1, pb, sizeof (pb));
  append_bytes_field (out, 2, sig, sizeof (sig));
  return TRUE;
}

static gboolean
payload_error (GError ** error, const gchar * what)
{
  g_set_error (error, LP2P_DIRECT_ERROR, LP2P_DIRECT_ERROR_PAYLOAD,
      "the remote's Noise handshake payload %s", what);
  return FALSE;
}

gboolean
lp2p_noise_payload_verify (const guint8 * payload, gsize len,
    const guint8 remote_static[32], Lp2pPeerId * peer_id, GError ** error)
{
  const guint8 *key = NULL, *sig = NULL;
  gsize key_len = 0, sig_len = 0, pos = 0, used;
  guint8 msg[24 + 32];
  g_autoptr (GError) err = NULL;

  if (len > LP2P_NOISE_MAX_PAYLOAD)
    return payload_error (error, "is too large");
  while (pos < len) {
    guint64 tag, v;
    guint field, wire;

    if (lp2p_varint_decode (payload + pos, len - pos, LP2P_VARINT_MAX_BYTES,
            &tag, &used) != LP2P_VARINT_OK)
      return payload_error (error, "has a malformed field key");
    pos += used;
    field = (guint) MIN (tag >> 3, G_MAXUINT);
    wire = tag & 7;
    if (field == 0)
      return payload_error (error, "has field number 0");
    switch (wire) {
      case 0:
        if (lp2p_varint_decode (payload + pos, len - pos,
                LP2P_VARINT_MAX_BYTES, &v, &used) != LP2P_VARINT_OK)
          return payload_error (error, "has a malformed varint");
        pos += used;
        break;
      case 1:
      case 5:
        if (len - pos < (wire == 1 ? 8u : 4u))
          return payload_error (error, "is truncated");
        pos += wire == 1 ? 8 : 4;
        break;
      case 2:
        if (lp2p_varint_decode (payload + pos, len - pos,
                LP2P_VARINT_MAX_BYTES, &v, &used) != LP2P_VARINT_OK
            || v > len - pos - used)
          return payload_error (error, "is truncated");
        pos += used;
        if (field == 1 || field == 2) {
          if ((field == 1 && key) || (field == 2 && sig))
            return payload_error (error, field == 1 ?
                "gives identity_key twice" : "gives identity_sig twice");
          if (field == 1) {
            key = payload + pos;
            key_len = v;
          } else {
            sig = payload + pos;
            sig_len = v;
          }
        }
        pos += v;
        break;
      default:
        return payload_error (error, "has an invalid wire type");
    }
    if ((field == 1 || field == 2 || field == 4) && wire != 2)
      return payload_error (error, "has a field of the wrong type");
  }
  if (key == NULL)
    return payload_error (error, "has no identity_key");
  if (sig == NULL)
    return payload_error (error, "has no identity_sig");
  signed_message (remote_static, msg);
  if (!lp2p_identity_verify (key, key_len, msg, sizeof (msg), sig, sig_len,
          &err)) {
    g_set_error (error, LP2P_DIRECT_ERROR, LP2P_DIRECT_ERROR_PAYLOAD,
        "the remote's identity is not proven: %s", err->message);
    return FALSE;
  }
  lp2p_peer_id_from_public_key (key, key_len, peer_id);
  return TRUE;
}

/* ---- the session ---- */

Lp2pDirectNoise *
lp2p_direct_noise_new (gboolean initiator, const Lp2pIdentity * identity,
    const guint8 client_fp[32], const guint8 server_fp[32],
    const Lp2pPeerId * expected, const guint8 * static_priv,
    const guint8 * ephemeral_priv, GError ** error)
{
  Lp2pDirectNoise *st;
  guint8 prologue[LP2P_DIRECT_PROLOGUE_LEN];
  Lp2pNoise *noise;

  lp2p_direct_prologue (client_fp, server_fp, prologue);
  noise = lp2p_noise_new (initiator, prologue, sizeof (prologue),
      static_priv, ephemeral_priv, error);
  if (noise == NULL)
    return NULL;
  st = g_new0 (Lp2pDirectNoise, 1);
  st->identity = identity;
  st->noise = noise;
  st->initiator = initiator;
  if (expected) {
    st->has_expected = TRUE;
    st->expected = *expected;
  }
  /* a handshake frame is small; a frame body is bounded all the same */
  lp2p_frame_decoder_init (&st->frames, LP2P_FRAME_DEFAULT_MAX_BODY);
  st->stream = g_byte_array_new ();
  st->status = LP2P_DIRECT_NEED_MORE;
  return st;
}

void
lp2p_direct_noise_free (Lp2pDirectNoise * st)
{
  if (st == NULL)
    return;
  lp2p_noise_free (st->noise);
  lp2p_frame_decoder_clear (&st->frames);
  g_byte_array_unref (st->stream);
  g_clear_error (&st->error);
  g_free (st);
}

static Lp2pDirectStatus
failed (Lp2pDirectNoise * st, GError * err, GError ** error)
{
  st->status = LP2P_DIRECT_FAILED;
  if (st->error == NULL)
    st->error = err;
  else
    g_error_free (err);
  if (error)
    *error = g_error_copy (st->error);
  return st->status;
}

static Lp2pDirectStatus
repeat (Lp2pDirectNoise * st, GError ** error)
{
  if (st->status == LP2P_DIRECT_FAILED && error)
    *error = g_error_copy (st->error);
  return st->status;
}

/* Writes our next message as one frame: `len16 || noise message`. */
static gboolean
write_next (Lp2pDirectNoise * st, GPtrArray * out, GError ** error)
{
  g_autoptr (GByteArray) payload = g_byte_array_new ();
  g_autoptr (GByteArray) msg = g_byte_array_new ();
  guint8 s_pub[32];
  guint8 len16[2];

  /* message 1 (the initiator's e) carries no payload: the identity is sent
   * encrypted, in messages 2 and 3 (noise/README.md) */
  g_byte_array_set_size (msg, 2);
  if (lp2p_noise_get_remote_static (st->noise) != NULL || !st->initiator) {
    lp2p_noise_get_local_static (st->noise, s_pub);
    if (!lp2p_noise_payload_encode (st->identity, s_pub, payload)) {
      g_set_error_literal (error, LP2P_DIRECT_ERROR, LP2P_DIRECT_ERROR_NOISE,
          "cannot sign our handshake payload");
      return FALSE;
    }
  }
  if (!lp2p_noise_write_message (st->noise, payload->data, payload->len, msg,
          error))
    return FALSE;
  len16[0] = (msg->len - 2) >> 8;
  len16[1] = (msg->len - 2) & 0xff;
  memcpy (msg->data, len16, 2);
  g_ptr_array_add (out, lp2p_frame_encode (LP2P_FLAG_NONE, msg->data,
          msg->len));
  return TRUE;
}

Lp2pDirectStatus
lp2p_direct_noise_start (Lp2pDirectNoise * st, GPtrArray * out,
    GError ** error)
{
  GError *err = NULL;

  if (st->status != LP2P_DIRECT_NEED_MORE || !st->initiator)
    return repeat (st, error);
  if (!write_next (st, out, &err))
    return failed (st, err, error);
  return st->status;
}

/* One whole Noise message from the remote. */
static gboolean
read_one (Lp2pDirectNoise * st, const guint8 * msg, gsize len,
    GPtrArray * out, GError ** error)
{
  g_autoptr (GByteArray) payload = g_byte_array_new ();
  GError *err = NULL;

  if (!lp2p_noise_read_message (st->noise, msg, len, payload, &err)) {
    g_set_error (error, LP2P_DIRECT_ERROR, LP2P_DIRECT_ERROR_NOISE,
        "Noise handshake failed: %s", err->message);
    g_error_free (err);
    return FALSE;
  }
  if (lp2p_noise_get_remote_static (st->noise) && st->remote.len == 0) {
    if (!lp2p_noise_payload_verify (payload->data, payload->len,
            lp2p_noise_get_remote_static (st->noise), &st->remote, error))
      return FALSE;
    if (st->has_expected && !lp2p_peer_id_equal (&st->expected, &st->remote)) {
      g_autofree gchar *want = lp2p_peer_id_to_string (&st->expected);
      g_autofree gchar *got = lp2p_peer_id_to_string (&st->remote);

      g_set_error (error, LP2P_DIRECT_ERROR, LP2P_DIRECT_ERROR_PEER_ID,
          "the remote is peer %s, not %s as the multiaddr's /p2p/ says",
          got, want);
      return FALSE;
    }
  }
  /* a payload in message 1 (libp2p sends it empty) is not interpreted */
  if (lp2p_noise_is_my_turn (st->noise) && !write_next (st, out, error))
    return FALSE;
  return TRUE;
}

Lp2pDirectStatus
lp2p_direct_noise_feed (Lp2pDirectNoise * st, const guint8 * data, gsize len,
    GPtrArray * out, GError ** error)
{
  Lp2pFrame f;
  Lp2pFrameResult r;
  GError *err = NULL;

  if (st->status != LP2P_DIRECT_NEED_MORE)
    return repeat (st, error);
  lp2p_frame_decoder_push (&st->frames, data, len);
  while ((r = lp2p_frame_decoder_next (&st->frames, &f)) == LP2P_FRAME_OK) {
    if (f.has_flag && (f.flag == LP2P_FLAG_FIN
            || f.flag == LP2P_FLAG_RESET_STREAM
            || f.flag == LP2P_FLAG_STOP_SENDING))
      return failed (st, g_error_new (LP2P_DIRECT_ERROR,
              LP2P_DIRECT_ERROR_CLOSED, "the remote %s the Noise channel "
              "before the handshake finished", f.flag == LP2P_FLAG_FIN ?
              "finished" : "reset"), error);
    if (f.size > LP2P_NOISE_MAX_MESSAGE + 2 - st->stream->len)
      return failed (st, g_error_new (LP2P_DIRECT_ERROR,
              LP2P_DIRECT_ERROR_FRAME, "more handshake bytes than a Noise "
              "message can hold"), error);
    g_byte_array_append (st->stream, f.data, f.size);
    for (;;) {
      gsize mlen;

      if (st->stream->len < 2)
        break;
      mlen = (gsize) st->stream->data[0] << 8 | st->stream->data[1];
      if (st->stream->len < 2 + mlen)
        break;
      if (!read_one (st, st->stream->data + 2, mlen, out, &err))
        return failed (st, err, error);
      g_byte_array_remove_range (st->stream, 0, 2 + mlen);
      if (lp2p_noise_is_finished (st->noise)) {
        /* anything after the last message is not ours to read */
        st->status = LP2P_DIRECT_DONE;
        return st->status;
      }
    }
  }
  if (r != LP2P_FRAME_NEED_MORE)
    return failed (st, g_error_new (LP2P_DIRECT_ERROR,
            LP2P_DIRECT_ERROR_FRAME, "channel 0 carried an invalid frame: %s",
            lp2p_frame_result_to_string (r)), error);
  return st->status;
}

const Lp2pPeerId *
lp2p_direct_noise_get_remote_peer_id (const Lp2pDirectNoise * st)
{
  return st->status == LP2P_DIRECT_DONE ? &st->remote : NULL;
}

gboolean
lp2p_certificate_pem_fingerprint (const gchar * pem, guint8 out[32])
{
  BIO *bio;
  X509 *cert;
  unsigned int len = 0;
  gboolean ok;

  if (pem == NULL || strlen (pem) > 64 * 1024)
    return FALSE;
  bio = BIO_new_mem_buf (pem, -1);
  cert = bio ? PEM_read_bio_X509 (bio, NULL, NULL, NULL) : NULL;
  ok = cert && X509_digest (cert, EVP_sha256 (), out, &len) && len == 32;
  X509_free (cert);
  BIO_free (bio);
  return ok;
}
