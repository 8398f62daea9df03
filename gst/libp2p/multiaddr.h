/* gst-libp2p: WebRTC-direct multiaddrs
 *
 * The one multiaddr shape a WebRTC-direct dialer needs
 * (libp2p/specs webrtc/webrtc-direct.md "Addressing"):
 *
 *   /ip4/<a.b.c.d>/udp/<port>/webrtc-direct/certhash/<multibase multihash>
 *       [/p2p/<peer id>]          (or /ip6/<address>/..., /dns|dns4|dns6/<name>/...)
 *
 * parsed strictly, with one message per malformed part.  The certhash must
 * be a sha2-256 multihash of 32 bytes (the only hash the spec requires and
 * the one every implementation emits); it is written back as 'u' base64url
 * without padding.  A name (/dns, /dns4, /dns6: how Polkadot nodes advertise
 * themselves) is kept as text: the caller resolves it and sets the address
 * with lp2p_webrtc_direct_addr_set_ip() (the SDP needs a literal address).
 * /dnsaddr (a TXT lookup giving whole multiaddrs) is refused.
 *
 * Binary form (multiformats/multiaddr): each component is its varint code
 * then its value; codes: ip4 0x04, ip6 0x29, udp 0x0111, webrtc-direct
 * 0x0118, certhash 0x01d2, p2p 0x01a5 (multiformats/multicodec table.csv).
 */
#ifndef __LP2P_MULTIADDR_H__
#define __LP2P_MULTIADDR_H__

#include <glib.h>
#include "peerid.h"

G_BEGIN_DECLS

/* Longest multiaddr text we read. */
#define LP2P_MULTIADDR_MAX_TEXT 512

#define LP2P_MULTIADDR_ERROR (lp2p_multiaddr_error_quark ())
GQuark lp2p_multiaddr_error_quark (void);

typedef enum
{
  LP2P_MULTIADDR_ERROR_SYNTAX,  /* not /proto/value/... */
  LP2P_MULTIADDR_ERROR_ADDRESS, /* the IP part */
  LP2P_MULTIADDR_ERROR_PORT,
  LP2P_MULTIADDR_ERROR_TRANSPORT,       /* not udp/webrtc-direct */
  LP2P_MULTIADDR_ERROR_CERTHASH,
  LP2P_MULTIADDR_ERROR_PEER_ID,
  LP2P_MULTIADDR_ERROR_UNSUPPORTED,     /* dns, a second certhash, ... */
} Lp2pMultiaddrError;

#define LP2P_MULTIADDR_MAX_NAME 253

typedef struct
{
  gint family;                  /* 4 or 6; 0 while a name is unresolved */
  guint8 ip[16];                /* 4 or 16 bytes used */
  gchar host[48];               /* the address as text, canonical */
  /* /dns/ (any family), /dns4/ (4), /dns6/ (6) */
  gboolean has_name;
  gint name_family;             /* 0, 4 or 6 */
  gchar name[LP2P_MULTIADDR_MAX_NAME + 1];
  guint16 port;
  guint8 certhash[32];          /* SHA-256 of the server's DER certificate */
  gboolean has_peer_id;
  Lp2pPeerId peer_id;
} Lp2pWebrtcDirectAddr;

gboolean lp2p_webrtc_direct_addr_parse (const gchar * text,
    Lp2pWebrtcDirectAddr * addr, GError ** error);
/* Sets the resolved address of a name (@family 4 or 6, @ip 4 or 16
 * bytes). */
void lp2p_webrtc_direct_addr_set_ip (Lp2pWebrtcDirectAddr * addr,
    gint family, const guint8 * ip);
/* Canonical text (certhash as 'u' base64url, peer id as base58btc; a name
 * as it was given). */
gchar *lp2p_webrtc_direct_addr_to_string (const Lp2pWebrtcDirectAddr * addr);
/* Binary multiaddr. */
GBytes *lp2p_webrtc_direct_addr_to_bytes (const Lp2pWebrtcDirectAddr * addr);
/* TRUE for 127.0.0.0/8 and ::1 */
gboolean lp2p_webrtc_direct_addr_is_loopback (const Lp2pWebrtcDirectAddr *
    addr);

/* Binary multiaddrs of any shape libp2p nodes advertise (identify's
 * listenAddrs and observedAddr) as text, or NULL + @error: an unknown
 * protocol code, a truncated value, over the bounds (multiaddr-bin.c). */
#define LP2P_MULTIADDR_MAX_BYTES 1024
#define LP2P_MULTIADDR_MAX_COMPONENTS 32
gchar *lp2p_multiaddr_bytes_to_string (const guint8 * data, gsize len,
    GError ** error);

/* 'u' + base64url(0x12 0x20 digest) */
gchar *lp2p_certhash_encode (const guint8 digest[32]);
/* "AA:BB:...", the form of SDP's a=fingerprint (RFC 8122), upper case */
gchar *lp2p_fingerprint_to_sdp (const guint8 digest[32]);

G_END_DECLS

#endif
