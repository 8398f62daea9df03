/* gst-libp2p: the identify message (libp2p/specs identify/README.md)
 *
 * On a substream of /ipfs/id/1.0.0 the listener sends one message and
 * closes its write side; the message is uvarint(len) || protobuf (proto2)
 *
 *   message Identify {
 *     optional string protocolVersion = 5;
 *     optional string agentVersion = 6;
 *     optional bytes publicKey = 1;          (a libp2p PublicKey protobuf)
 *     repeated bytes listenAddrs = 2;        (binary multiaddrs)
 *     optional bytes observedAddr = 4;       (binary multiaddr)
 *     repeated string protocols = 3;
 *     optional bytes signedPeerRecord = 8;
 *   }
 *
 * What we accept from a remote is bounded (LP2P_IDENTIFY_MAX_*): a message
 * over the bounds, with a field of the wrong wire type, a string that is
 * not UTF-8, or that ends inside a field is refused whole, with the reason.
 * Unknown fields are skipped, as protobuf requires.  Sans-IO.
 */
#ifndef __LP2P_IDENTIFY_H__
#define __LP2P_IDENTIFY_H__

#include <glib.h>

G_BEGIN_DECLS

#define LP2P_IDENTIFY_PROTOCOL "/ipfs/id/1.0.0"
/* js-libp2p @libp2p/identify MAX_IDENTIFY_MESSAGE_SIZE (8 KiB); rust-libp2p
 * takes 4 KiB. */
#define LP2P_IDENTIFY_MAX_MESSAGE 8192
/* as many as an ls answer may list (mss.h LP2P_MSS_MAX_LS_PROTOCOLS) */
#define LP2P_IDENTIFY_MAX_PROTOCOLS 1000
#define LP2P_IDENTIFY_MAX_ADDRS 128
/* a protocol id, a version string or a multiaddr: the longest
 * multistream-select message (mss.h LP2P_MSS_MAX_MESSAGE_LEN) */
#define LP2P_IDENTIFY_MAX_STRING 1024

#define LP2P_IDENTIFY_ERROR (lp2p_identify_error_quark ())
GQuark lp2p_identify_error_quark (void);

typedef enum
{
  LP2P_IDENTIFY_ERROR_MALFORMED,        /* not a valid Identify protobuf */
  LP2P_IDENTIFY_ERROR_TOO_LARGE,        /* over one of the bounds */
} Lp2pIdentifyError;

typedef struct
{
  gchar *protocol_version;      /* nullable */
  gchar *agent_version;         /* nullable */
  GBytes *public_key;           /* nullable */
  GPtrArray *listen_addrs;      /* GBytes, binary multiaddrs; never NULL */
  GBytes *observed_addr;        /* nullable */
  GPtrArray *protocols;         /* gchar*; never NULL */
  GBytes *signed_peer_record;   /* nullable */
} Lp2pIdentify;

void lp2p_identify_init (Lp2pIdentify * id);
void lp2p_identify_clear (Lp2pIdentify * id);

/* The protobuf body, without the length prefix. */
GBytes *lp2p_identify_encode (const Lp2pIdentify * id);
/* uvarint(len) || body, as sent on the stream. */
GBytes *lp2p_identify_encode_delimited (const Lp2pIdentify * id);
/* Parses a body into @id, which the call initialises: clear it afterwards
 * whatever the result (it is left empty on failure). */
gboolean lp2p_identify_decode (const guint8 * body, gsize len,
    Lp2pIdentify * id, GError ** error);

typedef enum
{
  LP2P_IDENTIFY_READ_OK,
  LP2P_IDENTIFY_READ_NEED_MORE,
  LP2P_IDENTIFY_READ_INVALID,
} Lp2pIdentifyReadResult;

/* Reads one length-prefixed message at the start of @data: OK fills @id
 * and *@consumed; NEED_MORE while the prefix or the body is incomplete
 * (bounded: a declared length over LP2P_IDENTIFY_MAX_MESSAGE is INVALID as
 * soon as its varint is read). */
Lp2pIdentifyReadResult lp2p_identify_read_delimited (const guint8 * data,
    gsize len, Lp2pIdentify * id, gsize * consumed, GError ** error);

G_END_DECLS

#endif
