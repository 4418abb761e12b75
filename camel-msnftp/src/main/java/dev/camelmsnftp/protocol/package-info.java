/**
 * The MSNFTP session over TCP (SPEC section 4): the sender and receiver roles, whichever side connected, in the
 * plain {@code MSNFTP} and the OCS {@code MSN_SECURE_FTP} dialects. Knows nothing of SIP or Camel.
 */
package dev.camelmsnftp.protocol;
