/**
 * The {@code text/x-msmsgsinvite} invitation codec (SPEC section 3): an immutable model of a File Transfer
 * invitation, lenient parsing and strict formatting. Knows nothing of SIP, sockets or Camel.
 */
package dev.camelmsnftp.invite;
