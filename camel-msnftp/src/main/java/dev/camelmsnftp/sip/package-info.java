/**
 * The SIP agent on JAIN-SIP (SPEC sections 2 and 3.3): shared stacks per listening point, REGISTER, IM sessions
 * (INVITE dialogs) and pager MESSAGEs. Knows nothing of MSNFTP or Camel.
 */
package dev.camelmsnftp.sip;
