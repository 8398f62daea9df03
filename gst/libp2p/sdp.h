/* gst-libp2p: SDP for a WebRTC-direct dialer
 *
 * libp2p/specs webrtc/webrtc-direct.md "Connection Establishment": the
 * dialer never exchanges SDP.  It
 *  - munges its own offer: ICE ufrag and pwd both become the same string
 *    U = "libp2p+webrtc+v1/<random>" (the server learns it from the STUN
 *    USERNAME "U:U" and uses it as its own credentials too), and the data
 *    section gets a=max-message-size:16384;
 *  - fabricates the server's answer from the multiaddr: ICE-lite, ufrag =
 *    pwd = U, DTLS setup passive with the certhash as fingerprint, SCTP
 *    port 5000, max-message-size 16384, one host candidate at the
 *    multiaddr's address and port.
 * Text in, text out; at most LP2P_SDP_MAX_LEN bytes are read.
 */
#ifndef __LP2P_SDP_H__
#define __LP2P_SDP_H__

#include <glib.h>
#include "multiaddr.h"

G_BEGIN_DECLS

#define LP2P_SDP_MAX_LEN (64 * 1024)
#define LP2P_UFRAG_PREFIX "libp2p+webrtc+v1/"
/* random characters after the prefix (js-libp2p and go-libp2p use 32) */
#define LP2P_UFRAG_RANDOM_LEN 32
#define LP2P_DIRECT_MAX_MESSAGE_SIZE 16384
#define LP2P_DIRECT_SCTP_PORT 5000

#define LP2P_SDP_ERROR (lp2p_sdp_error_quark ())
GQuark lp2p_sdp_error_quark (void);

typedef enum
{
  LP2P_SDP_ERROR_TOO_LONG,
  LP2P_SDP_ERROR_NO_DATA_SECTION,       /* no m=application */
  LP2P_SDP_ERROR_NO_CREDENTIALS,        /* no ice-ufrag/ice-pwd to replace */
  LP2P_SDP_ERROR_NO_FINGERPRINT,        /* no sha-256 fingerprint */
} Lp2pSdpError;

/* U from @random (LP2P_UFRAG_RANDOM_LEN bytes of a CSPRNG): the prefix and
 * one ice-char ([A-Za-z0-9+/], RFC 8839) per byte. */
gchar *lp2p_ufrag_new (const guint8 random[LP2P_UFRAG_RANDOM_LEN]);

typedef struct
{
  gchar *sdp;                   /* the munged offer, CRLF line ends */
  gchar *mid;                   /* the data section's a=mid */
  gboolean bundle;              /* the offer has a=group:BUNDLE <mid> */
  guint8 fingerprint[32];       /* our certificate's SHA-256 */
} Lp2pMungedOffer;

/* Munges @offer for the credentials @ufrag (used as ufrag and pwd). */
gboolean lp2p_sdp_munge_offer (const gchar * offer, const gchar * ufrag,
    Lp2pMungedOffer * out, GError ** error);
void lp2p_munged_offer_clear (Lp2pMungedOffer * out);

/* The server's answer, CRLF line ends, trailing CRLF. */
gchar *lp2p_sdp_server_answer (const Lp2pWebrtcDirectAddr * addr,
    const gchar * ufrag, const gchar * mid, gboolean bundle);

/* Parses "sha-256 AA:BB:..." (32 pairs, either case). */
gboolean lp2p_sdp_parse_fingerprint (const gchar * value, guint8 out[32]);

G_END_DECLS

#endif
