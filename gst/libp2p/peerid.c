/* gst-libp2p: libp2p peer ids and public-key protobufs (see peerid.h) */
#include "peerid.h"
#include "multibase.h"
#include "varint.h"

#include <string.h>

G_DEFINE_QUARK (lp2p-peerid-error-quark, lp2p_peerid_error);

/* Reads one protobuf key (field number and wire type) as a 1-byte varint:
 * the messages here have field numbers below 16. */
static gboolean
pb_read_varint (const guint8 * pb, gsize len, gsize * pos, guint64 * v)
{
  gsize used;

  if (lp2p_varint_decode (pb + *pos, len - *pos, LP2P_VARINT_MAX_BYTES, v,
          &used) != LP2P_VARINT_OK)
    return FALSE;
  *pos += used;
  return TRUE;
}

gboolean
lp2p_public_key_decode (const guint8 * pb, gsize len, Lp2pKeyType * type,
    const guint8 ** data, gsize * data_len, GError ** error)
{
  gsize pos = 0;
  guint64 v, n;

  if (len > LP2P_PUBLIC_KEY_MAX_LEN) {
    g_set_error (error, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_KEY,
        "public key of %" G_GSIZE_FORMAT " bytes, more than %d", len,
        LP2P_PUBLIC_KEY_MAX_LEN);
    return FALSE;
  }
  /* field 1 (Type), varint */
  pos = 1;
  if (len < 2 || pb[0] != 0x08 || !pb_read_varint (pb, len, &pos, &v)) {
    g_set_error_literal (error, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_KEY,
        "public key: no Type field first");
    return FALSE;
  }
  if (v > LP2P_KEY_ECDSA) {
    g_set_error (error, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_KEY,
        "public key: unknown key type %" G_GUINT64_FORMAT, v);
    return FALSE;
  }
  /* field 2 (Data), length-delimited */
  if (pos >= len || pb[pos] != 0x12) {
    g_set_error_literal (error, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_KEY,
        "public key: no Data field after Type");
    return FALSE;
  }
  pos++;
  if (!pb_read_varint (pb, len, &pos, &n) || n != len - pos) {
    g_set_error_literal (error, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_KEY,
        "public key: Data length does not match the message");
    return FALSE;
  }
  if (v == LP2P_KEY_ED25519 && n != 32) {
    g_set_error (error, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_KEY,
        "Ed25519 public key of %" G_GUINT64_FORMAT " bytes, not 32", n);
    return FALSE;
  }
  *type = (Lp2pKeyType) v;
  *data = pb + pos;
  *data_len = n;
  return TRUE;
}

/* Type = Ed25519, then the Data field's key and length: both key
 * protobufs share the layout. */
static void
ed25519_pb_header (guint8 out[4], guint8 data_len)
{
  out[0] = 0x08;
  out[1] = LP2P_KEY_ED25519;
  out[2] = 0x12;
  out[3] = data_len;
}

void
lp2p_public_key_encode_ed25519 (const guint8 pub[32],
    guint8 out[LP2P_ED25519_PUBLIC_KEY_PB_LEN])
{
  ed25519_pb_header (out, 32);
  memcpy (out + 4, pub, 32);
}

void
lp2p_private_key_encode_ed25519 (const guint8 seed[32], const guint8 pub[32],
    guint8 out[LP2P_ED25519_PRIVATE_KEY_PB_LEN])
{
  ed25519_pb_header (out, 64);
  memcpy (out + 4, seed, 32);
  memcpy (out + 36, pub, 32);
}

gboolean
lp2p_private_key_decode_ed25519 (const guint8 * pb, gsize len,
    guint8 seed[32], guint8 pub[32], GError ** error)
{
  /* same layout as PublicKey: Type then Data */
  Lp2pKeyType type;
  const guint8 *data;
  gsize n;

  if (len > 4 && pb[0] == 0x08 && pb[1] == LP2P_KEY_ED25519 && pb[2] == 0x12
      && pb[3] != 32) {
    /* lp2p_public_key_decode insists on 32 bytes for Ed25519 */
    gsize pos = 3;
    guint64 dlen;

    if (!pb_read_varint (pb, len, &pos, &dlen) || dlen != len - pos) {
      g_set_error_literal (error, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_KEY,
          "private key: Data length does not match the message");
      return FALSE;
    }
    type = LP2P_KEY_ED25519;
    data = pb + pos;
    n = dlen;
  } else if (!lp2p_public_key_decode (pb, len, &type, &data, &n, error)) {
    g_prefix_error (error, "private key: ");
    return FALSE;
  }
  if (type != LP2P_KEY_ED25519) {
    g_set_error (error, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_KEY,
        "private key of type %d: only Ed25519 (1) is supported", type);
    return FALSE;
  }
  if (n != 64 && !(n == 96 && memcmp (data + 32, data + 64, 32) == 0)) {
    g_set_error (error, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_KEY,
        "Ed25519 private key Data of %" G_GSIZE_FORMAT " bytes: expected 64 "
        "(seed and public key)", n);
    return FALSE;
  }
  memcpy (seed, data, 32);
  memcpy (pub, data + 32, 32);
  return TRUE;
}

void
lp2p_peer_id_from_public_key (const guint8 * pb, gsize len, Lp2pPeerId * id)
{
  if (len <= LP2P_PEER_ID_MAX_INLINE_KEY) {
    id->bytes[0] = LP2P_MULTIHASH_IDENTITY;
    id->bytes[1] = (guint8) len;
    memcpy (id->bytes + 2, pb, len);
    id->len = len + 2;
  } else {
    GChecksum *c = g_checksum_new (G_CHECKSUM_SHA256);
    gsize dlen = 32;

    g_checksum_update (c, pb, len);
    id->bytes[0] = LP2P_MULTIHASH_SHA2_256;
    id->bytes[1] = 32;
    g_checksum_get_digest (c, id->bytes + 2, &dlen);
    g_checksum_free (c);
    id->len = 34;
  }
}

gboolean
lp2p_peer_id_from_bytes (const guint8 * mh, gsize len, Lp2pPeerId * id,
    GError ** error)
{
  guint64 code, n;
  gsize pos = 0;

  if (!pb_read_varint (mh, len, &pos, &code)
      || !pb_read_varint (mh, len, &pos, &n) || n != len - pos) {
    g_set_error_literal (error, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_MULTIHASH,
        "peer id: not a multihash (length does not match)");
    return FALSE;
  }
  if (code == LP2P_MULTIHASH_IDENTITY) {
    Lp2pKeyType type;
    const guint8 *data;
    gsize dlen;

    if (n > LP2P_PEER_ID_MAX_INLINE_KEY) {
      g_set_error (error, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_MULTIHASH,
          "peer id: identity multihash of %" G_GUINT64_FORMAT " bytes, more "
          "than %d", n, LP2P_PEER_ID_MAX_INLINE_KEY);
      return FALSE;
    }
    if (!lp2p_public_key_decode (mh + pos, n, &type, &data, &dlen, error)) {
      g_prefix_error (error, "peer id: ");
      return FALSE;
    }
  } else if (code == LP2P_MULTIHASH_SHA2_256) {
    if (n != 32) {
      g_set_error (error, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_MULTIHASH,
          "peer id: sha2-256 digest of %" G_GUINT64_FORMAT " bytes, not 32",
          n);
      return FALSE;
    }
  } else {
    g_set_error (error, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_MULTIHASH,
        "peer id: multihash code 0x%" G_GINT64_MODIFIER "x is neither "
        "identity nor sha2-256", code);
    return FALSE;
  }
  memcpy (id->bytes, mh, len);
  id->len = len;
  return TRUE;
}

gboolean
lp2p_peer_id_parse (const gchar * text, Lp2pPeerId * id, GError ** error)
{
  guint8 buf[LP2P_MULTIBASE_MAX_INPUT];
  gsize len, n, pos = 0;
  guint64 version, codec;
  g_autoptr (GError) err = NULL;

  len = text ? strlen (text) : 0;
  if (len == 0) {
    g_set_error_literal (error, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_ENCODING,
        "peer id: empty");
    return FALSE;
  }
  /* peer-ids.md "Decoding": bare base58btc when it starts with 1 or Qm,
   * else a multibase CID. */
  if (text[0] == '1' || g_str_has_prefix (text, "Qm")) {
    if (!lp2p_base58btc_decode (text, len, buf, sizeof (buf), &n, &err)) {
      g_set_error (error, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_ENCODING,
          "peer id '%s': %s", text, err->message);
      return FALSE;
    }
    return lp2p_peer_id_from_bytes (buf, n, id, error);
  }
  if (!lp2p_multibase_decode (text, len, buf, sizeof (buf), &n, &err)) {
    g_set_error (error, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_ENCODING,
        "peer id '%s' is neither base58btc nor a CID: %s", text, err->message);
    return FALSE;
  }
  if (!pb_read_varint (buf, n, &pos, &version) || version != 1
      || !pb_read_varint (buf, n, &pos, &codec)
      || codec != LP2P_CID_LIBP2P_KEY) {
    g_set_error (error, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_ENCODING,
        "peer id '%s': not a CIDv1 with the libp2p-key codec (0x72)", text);
    return FALSE;
  }
  return lp2p_peer_id_from_bytes (buf + pos, n - pos, id, error);
}

gchar *
lp2p_peer_id_to_string (const Lp2pPeerId * id)
{
  return lp2p_base58btc_encode (id->bytes, id->len);
}

gboolean
lp2p_peer_id_equal (const Lp2pPeerId * a, const Lp2pPeerId * b)
{
  return a->len == b->len && memcmp (a->bytes, b->bytes, a->len) == 0;
}
