/* Unit tests of the identify message (gst/libp2p/identify.h), after
 * libp2p/specs identify/README.md: field numbers 1-6 and 8, all
 * length-delimited; uvarint-length-prefixed on the stream. */
#include "identify.h"
#include "hex.h"

#include <string.h>

static GBytes *
bytes_of (const gchar * s)
{
  return g_bytes_new (s, strlen (s));
}

/* Every field, encoded and read back through the length prefix. */
static void
test_roundtrip_all_fields (void)
{
  Lp2pIdentify id, back;
  g_autoptr (GBytes) wire = NULL;
  g_autoptr (GError) err = NULL;
  gsize len, used = 0;
  const guint8 *d;

  lp2p_identify_init (&id);
  id.protocol_version = g_strdup ("ipfs/0.1.0");
  id.agent_version = g_strdup ("gst-libp2p/0.1.0");
  id.public_key = bytes_of ("\x08\x01\x12\x20key-bytes");
  g_ptr_array_add (id.listen_addrs, bytes_of ("\x04\x7f\x00\x00\x01"));
  g_ptr_array_add (id.listen_addrs, bytes_of ("\x29\x00"));
  id.observed_addr = bytes_of ("\x04\x0a\x00\x00\x02");
  g_ptr_array_add (id.protocols, g_strdup ("/ipfs/id/1.0.0"));
  g_ptr_array_add (id.protocols, g_strdup ("/ipfs/ping/1.0.0"));
  id.signed_peer_record = bytes_of ("record");

  wire = lp2p_identify_encode_delimited (&id);
  d = g_bytes_get_data (wire, &len);
  g_assert_cmpint (lp2p_identify_read_delimited (d, len, &back, &used, &err),
      ==, LP2P_IDENTIFY_READ_OK);
  g_assert_no_error (err);
  g_assert_cmpuint (used, ==, len);
  g_assert_cmpstr (back.protocol_version, ==, "ipfs/0.1.0");
  g_assert_cmpstr (back.agent_version, ==, "gst-libp2p/0.1.0");
  g_assert_true (g_bytes_equal (back.public_key, id.public_key));
  g_assert_cmpuint (back.listen_addrs->len, ==, 2);
  g_assert_true (g_bytes_equal (g_ptr_array_index (back.listen_addrs, 1),
          g_ptr_array_index (id.listen_addrs, 1)));
  g_assert_true (g_bytes_equal (back.observed_addr, id.observed_addr));
  g_assert_cmpuint (back.protocols->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (back.protocols, 1), ==,
      "/ipfs/ping/1.0.0");
  g_assert_true (g_bytes_equal (back.signed_peer_record,
          id.signed_peer_record));
  lp2p_identify_clear (&back);
  lp2p_identify_clear (&id);
}

/* The bytes, field by field: protocols (3), protocolVersion (5),
 * agentVersion (6), in field order, each key = field << 3 | 2. */
static void
test_encode_exact_bytes (void)
{
  Lp2pIdentify id;
  g_autoptr (GBytes) got = NULL;
  g_autoptr (GBytes) want = hex ("0d 1a 02 2f 61 2a 04 69 70 66 73 32 01 78");

  lp2p_identify_init (&id);
  g_ptr_array_add (id.protocols, g_strdup ("/a"));
  id.protocol_version = g_strdup ("ipfs");
  id.agent_version = g_strdup ("x");
  got = lp2p_identify_encode_delimited (&id);
  g_assert_true (g_bytes_equal (got, want));
  lp2p_identify_clear (&id);
}

/* Unknown fields of every wire type are skipped (protobuf); field 7 is
 * not defined by the spec. */
static void
test_unknown_fields_skipped (void)
{
  /* 38 05: field 7 varint; 49 + 8 bytes: field 9 fixed64; 52 01 00:
   * field 10 bytes; 1a 02 2f 61: protocols "/a"; 6d + 4: field 13 fixed32 */
  g_autoptr (GBytes) b = hex ("38 05 49 01 02 03 04 05 06 07 08 52 01 00 "
      "1a 02 2f 61 6d 01 02 03 04");
  g_autoptr (GError) err = NULL;
  Lp2pIdentify id;
  gsize len;
  const guint8 *d = g_bytes_get_data (b, &len);

  g_assert_true (lp2p_identify_decode (d, len, &id, &err));
  g_assert_cmpuint (id.protocols->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (id.protocols, 0), ==, "/a");
  lp2p_identify_clear (&id);
}

static void
assert_refused (const gchar * hexstr, gint code, const gchar * fragment)
{
  g_autoptr (GBytes) b = hex (hexstr);
  g_autoptr (GError) err = NULL;
  Lp2pIdentify id;
  gsize len;
  const guint8 *d = g_bytes_get_data (b, &len);

  g_assert_false (lp2p_identify_decode (d, len, &id, &err));
  g_assert_error (err, LP2P_IDENTIFY_ERROR, code);
  if (strstr (err->message, fragment) == NULL)
    g_error ("'%s' lacks '%s'", err->message, fragment);
  g_assert_cmpuint (id.protocols->len, ==, 0);
  lp2p_identify_clear (&id);
}

/* What is refused, with the reason. */
static void
test_malformed_refused (void)
{
  /* protocols declared 5 bytes, 2 there */
  assert_refused ("1a 05 2f 61", LP2P_IDENTIFY_ERROR_MALFORMED,
      "ends past the message");
  /* protocols as a varint */
  assert_refused ("18 05", LP2P_IDENTIFY_ERROR_MALFORMED,
      "not length-delimited");
  /* agentVersion not UTF-8 */
  assert_refused ("32 02 c3 28", LP2P_IDENTIFY_ERROR_MALFORMED, "UTF-8");
  /* a NUL inside a protocol */
  assert_refused ("1a 03 2f 00 61", LP2P_IDENTIFY_ERROR_MALFORMED, "UTF-8");
  /* wire type 3 (groups) */
  assert_refused ("0b", LP2P_IDENTIFY_ERROR_MALFORMED, "wire type");
  /* field number 0 */
  assert_refused ("02 00", LP2P_IDENTIFY_ERROR_MALFORMED, "field number 0");
  /* a key that ends the message */
  assert_refused ("1a", LP2P_IDENTIFY_ERROR_MALFORMED, "ends past");
}

/* The bounds: protocols, addresses, string length, message size. */
static void
test_bounds (void)
{
  GByteArray *many = g_byte_array_new ();
  g_autoptr (GError) err = NULL;
  Lp2pIdentify id;
  guint i;

  for (i = 0; i < LP2P_IDENTIFY_MAX_PROTOCOLS + 1; i++)
    g_byte_array_append (many, (const guint8 *) "\x1a\x02/a", 4);
  /* 4004 bytes: under the message bound, over the count */
  g_assert_false (lp2p_identify_decode (many->data, many->len, &id, &err));
  g_assert_error (err, LP2P_IDENTIFY_ERROR, LP2P_IDENTIFY_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (err->message, "more than 1000 protocols"));
  lp2p_identify_clear (&id);
  g_clear_error (&err);

  g_byte_array_set_size (many, 0);
  for (i = 0; i < LP2P_IDENTIFY_MAX_ADDRS + 1; i++)
    g_byte_array_append (many, (const guint8 *) "\x12\x01\x00", 3);
  g_assert_false (lp2p_identify_decode (many->data, many->len, &id, &err));
  g_assert_error (err, LP2P_IDENTIFY_ERROR, LP2P_IDENTIFY_ERROR_TOO_LARGE);
  lp2p_identify_clear (&id);
  g_clear_error (&err);

  /* one agentVersion of 1025 bytes */
  g_byte_array_set_size (many, 0);
  g_byte_array_append (many, (const guint8 *) "\x32\x81\x08", 3);
  for (i = 0; i < 1025; i++)
    g_byte_array_append (many, (const guint8 *) "a", 1);
  g_assert_false (lp2p_identify_decode (many->data, many->len, &id, &err));
  g_assert_error (err, LP2P_IDENTIFY_ERROR, LP2P_IDENTIFY_ERROR_TOO_LARGE);
  lp2p_identify_clear (&id);
  g_clear_error (&err);

  /* a body of 8193 bytes */
  g_byte_array_set_size (many, LP2P_IDENTIFY_MAX_MESSAGE + 1);
  memset (many->data, 0, many->len);
  g_assert_false (lp2p_identify_decode (many->data, many->len, &id, &err));
  g_assert_error (err, LP2P_IDENTIFY_ERROR, LP2P_IDENTIFY_ERROR_TOO_LARGE);
  lp2p_identify_clear (&id);
  g_byte_array_unref (many);
}

/* On the stream: a partial prefix or body waits; a declared length over
 * the bound is refused from the prefix alone. */
static void
test_delimited_reads (void)
{
  g_autoptr (GBytes) whole = hex ("04 1a 02 2f 61 ff");
  g_autoptr (GBytes) big = hex ("81 40");       /* 8193 */
  g_autoptr (GError) err = NULL;
  Lp2pIdentify id;
  gsize used = 0, len;
  const guint8 *d = g_bytes_get_data (whole, &len);

  memset (&id, 0, sizeof (id));
  g_assert_cmpint (lp2p_identify_read_delimited (d, 0, &id, &used, &err),
      ==, LP2P_IDENTIFY_READ_NEED_MORE);
  g_assert_cmpint (lp2p_identify_read_delimited (d, 3, &id, &used, &err),
      ==, LP2P_IDENTIFY_READ_NEED_MORE);
  g_assert_cmpint (lp2p_identify_read_delimited (d, len, &id, &used, &err),
      ==, LP2P_IDENTIFY_READ_OK);
  g_assert_cmpuint (used, ==, 5);       /* the trailing ff is not its */
  lp2p_identify_clear (&id);
  d = g_bytes_get_data (big, &len);
  g_assert_cmpint (lp2p_identify_read_delimited (d, len, &id, &used, &err),
      ==, LP2P_IDENTIFY_READ_INVALID);
  g_assert_error (err, LP2P_IDENTIFY_ERROR, LP2P_IDENTIFY_ERROR_TOO_LARGE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/identify/roundtrip-all-fields",
      test_roundtrip_all_fields);
  g_test_add_func ("/identify/encode-exact-bytes", test_encode_exact_bytes);
  g_test_add_func ("/identify/unknown-fields-skipped",
      test_unknown_fields_skipped);
  g_test_add_func ("/identify/malformed-refused", test_malformed_refused);
  g_test_add_func ("/identify/bounds", test_bounds);
  g_test_add_func ("/identify/delimited-reads", test_delimited_reads);
  return g_test_run ();
}
