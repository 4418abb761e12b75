package dev.camelmsnftp.protocol;

/**
 * For the benchmark: the encrypted session as it was before it had a second thread and its own RC4 (the JDK's
 * ARCFOUR, one thread), so that "twice as fast" is measured in the same run; and with our RC4 but without the second
 * thread, to tell what each of the two changes does. The bytes on the wire are the same.
 */
public final class AsBefore {

    private AsBefore() {
    }

    public static MsnftpSender.Builder sender(MsnftpSender.Builder builder) {
        return builder.pipelining(false).jdkRc4(true);
    }

    public static MsnftpReceiver.Builder receiver(MsnftpReceiver.Builder builder) {
        return builder.pipelining(false).jdkRc4(true);
    }

    public static MsnftpSender.Builder oneThread(MsnftpSender.Builder builder) {
        return builder.pipelining(false);
    }

    public static MsnftpReceiver.Builder oneThread(MsnftpReceiver.Builder builder) {
        return builder.pipelining(false);
    }
}
