package dev.camelmsnftp.component;

import java.io.File;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Semaphore;

import dev.camelmsnftp.sip.SipAddress;
import dev.camelmsnftp.transfer.FileSource;
import dev.camelmsnftp.transfer.TransferCancelledException;
import dev.camelmsnftp.transfer.TransferException;
import dev.camelmsnftp.transfer.TransferFailedException;
import dev.camelmsnftp.transfer.TransferRejectedException;
import dev.camelmsnftp.transfer.TransferResult;
import dev.camelmsnftp.transfer.TransferSettings;
import dev.camelmsnftp.transfer.WorkDirectory;
import dev.camelmsnftp.transfer.WorkDirectoryLock;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Message;
import org.apache.camel.WrappedFile;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.WritableHealthCheckRepository;
import org.apache.camel.support.DefaultProducer;
import org.apache.camel.support.ExchangeHelper;
import org.apache.camel.util.FileUtil;

/**
 * Sends the exchange body as a file to the endpoint's peer and returns once the receiver has all of it. Failures are
 * thrown as the transfer exceptions ({@link TransferRejectedException} and its siblings), so Camel's error handling
 * and redelivery apply.
 */
public class MsnftpProducer extends DefaultProducer {

    private final MsnftpEndpoint endpoint;
    private TransferSettings settings;
    private Expression fileName;
    private volatile SharedAgent agent;
    private String remoteUser;
    private WorkDirectoryLock workDir;
    private WritableHealthCheckRepository healthChecks;
    private MsnftpHealthCheck healthCheck;

    public MsnftpProducer(MsnftpEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        settings = endpoint.transferSettings();
        remoteUser = SipAddress.parse(endpoint.getPeer()).addressOfRecord();
        String expression = endpoint.getConfiguration().getFileName();
        fileName = expression == null ? null
                : endpoint.getCamelContext().resolveLanguage("simple").createExpression(expression);
        agent = endpoint.acquireAgent(this);
        try {
            // streams are spooled there: taken for this process (temporary files a killed process left are deleted)
            workDir = agent.transfers().useWorkDirectory(settings.workDir());
        } catch (RuntimeException e) {
            endpoint.releaseAgent(agent);
            agent = null;
            throw e;
        }
        // health checks are optional (camel-health), and the producers' repository is off unless enabled
        healthChecks = HealthCheckHelper.getHealthCheckRepository(endpoint.getCamelContext(), "producers",
                WritableHealthCheckRepository.class);
        if (healthChecks != null) {
            healthCheck = new MsnftpHealthCheck("producer:msnftp-" + endpoint.getPeer() + "-from-"
                                                + endpoint.getConfiguration().getIdentity(), () -> agent);
            healthCheck.setEnabled(endpoint.getComponent().isHealthCheckProducerEnabled());
            healthChecks.addHealthCheck(healthCheck);
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (healthChecks != null && healthCheck != null) {
            healthChecks.removeHealthCheck(healthCheck);
            healthCheck = null;
        }
        if (agent != null) {
            if (workDir != null) {
                agent.transfers().releaseWorkDirectory(workDir);
                workDir = null;
            }
            endpoint.releaseAgent(agent);
            agent = null;
        }
        super.doStop();
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        Path spooled = null;
        // the endpoint's slots, shared with every other producer sending to the same URI
        Semaphore slots = endpoint.producerSlots();
        slots.acquire();
        try {
            String name = offeredName(exchange);
            FileSource source;
            Object body = in.getBody();
            if (body == null) {
                throw new IllegalArgumentException("The message has no body to send as a file");
            } else if (body instanceof WrappedFile<?> wrapped && wrapped.getFile() instanceof File file) {
                source = FileSource.of(file.toPath(), name);
            } else if (body instanceof File file) {
                source = FileSource.of(file.toPath(), name);
            } else if (body instanceof Path path) {
                source = FileSource.of(path, name);
            } else if (body instanceof byte[] bytes) {
                source = FileSource.of(bytes, name);
            } else if (body instanceof String text) {
                source = FileSource.of(text.getBytes(Charset.forName(ExchangeHelper.getCharsetName(exchange))), name);
            } else {
                spooled = spool(in.getMandatoryBody(InputStream.class));
                source = FileSource.of(spooled, name);
            }
            TransferResult result = agent.transfers().send(endpoint.getPeer(), source, settings);
            in.setHeader(MsnftpConstants.INVITATION_COOKIE, result.cookie());
            in.setHeader(MsnftpConstants.FILE_LENGTH, result.bytes());
            if (result.byeCode() >= 0) {
                in.setHeader(MsnftpConstants.BYE_CODE, result.byeCode());
            }
            in.setHeader(MsnftpConstants.REMOTE_USER, remoteUser);
            in.setHeader(MsnftpConstants.ENCRYPTED, result.encrypted());
            in.setHeader(MsnftpConstants.FLOW, result.flow().name());
            in.setHeader(MsnftpConstants.ACKNOWLEDGE, result.acknowledge().optionValue());
        } catch (TransferException e) {
            in.setHeader(MsnftpConstants.INVITATION_COOKIE, e.cookie());
            in.setHeader(MsnftpConstants.REMOTE_USER, remoteUser);
            // the receiver's CANCEL: declining the offer, or cancelling after it accepted (FTTIMEOUT, OUTBANDCANCEL, ...)
            Optional<String> cancelCode = e instanceof TransferRejectedException rejected ? rejected.cancelCode()
                    : e instanceof TransferCancelledException cancelled ? cancelled.cancelCode() : Optional.empty();
            cancelCode.ifPresent(code -> in.setHeader(MsnftpConstants.CANCEL_CODE, code));
            // the receiver's failure BYE code (e.g. 2147500037 not delivered, 2147942405 disk full), as after a success
            OptionalLong byeCode = e instanceof TransferFailedException failed ? failed.byeCode()
                    : e instanceof TransferCancelledException cancelled ? cancelled.byeCode() : OptionalLong.empty();
            byeCode.ifPresent(code -> in.setHeader(MsnftpConstants.BYE_CODE, code));
            throw e;
        } finally {
            slots.release();
            if (spooled != null) {
                Files.deleteIfExists(spooled);
            }
        }
    }

    /** The fileName expression, else CamelFileName, else the name of a File or Path body, else the exchange id. */
    private String offeredName(Exchange exchange) {
        String name = fileName != null ? fileName.evaluate(exchange, String.class)
                : exchange.getIn().getHeader(Exchange.FILE_NAME, String.class);
        if (name == null || name.isBlank()) {
            Object body = exchange.getIn().getBody();
            name = body instanceof File file ? file.getName()
                    : body instanceof Path path && path.getFileName() != null ? path.getFileName().toString() : null;
        }
        if (name == null || name.isBlank()) {
            return exchange.getExchangeId();
        }
        return FileUtil.stripPath(name);
    }

    /** A stream's size must be known before the INVITE: copy it to the work directory first. */
    private Path spool(InputStream stream) throws Exception {
        Path file = Files.createTempFile(WorkDirectory.prepare(settings.workDir()), "msnftp-out-", ".spool");
        try (stream) {
            Files.copy(stream, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (Exception e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }
}
