/**
 * The {@code msnftp:} Camel component (SPEC section 5): endpoint URI, options, headers, producer and consumer.
 */
package dev.camelmsnftp.component;
