package dev.camelmsnftp.component;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.camelmsnftp.sip.SipAgent;
import dev.camelmsnftp.sip.SipAgentException;
import dev.camelmsnftp.transfer.Transfer;
import dev.camelmsnftp.transfer.TransferFormat;
import dev.camelmsnftp.transfer.TransferStatistics;
import org.apache.camel.Component;
import org.apache.camel.spi.annotations.DevConsole;
import org.apache.camel.support.console.AbstractDevConsole;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;

/**
 * The {@code msnftp} dev console: for each SIP agent of the msnftp components, its user and listening point, its
 * registration, the transfers in flight (direction, peer, file, bytes, rate, time left, flow, dialect) and its totals.
 * Text and JSON, as camel-ftp's {@code sftp} console.
 */
@DevConsole(name = "msnftp", displayName = "MSNFTP",
            description = "SIP agents, registrations and file transfers of the msnftp component")
public class MsnftpDevConsole extends AbstractDevConsole {

    public MsnftpDevConsole() {
        super("camel", "msnftp", "MSNFTP", "SIP agents, registrations and file transfers of the msnftp component");
    }

    /** Every msnftp component of the context, by name (usually just "msnftp"), with its agents. */
    private Map<String, List<SharedAgent>> agents() {
        Map<String, List<SharedAgent>> all = new java.util.TreeMap<>();
        for (String name : getCamelContext().getComponentNames()) {
            Component component = getCamelContext().hasComponent(name);
            if (component instanceof MsnftpComponent msnftp) {
                all.put(name, msnftp.agents());
            }
        }
        return all;
    }

    @Override
    protected String doCallText(Map<String, Object> options) {
        StringBuilder text = new StringBuilder();
        agents().forEach((component, agents) -> {
            for (SharedAgent shared : agents) {
                SipAgent agent = shared.agent();
                text.append(String.format("%nAgent %s (component %s)%n", agent.config().localUser().addressOfRecord(),
                        component));
                text.append(String.format("    Listening: %s%s%n", listeningPoint(agent),
                        agent.isRunning() ? "" : " (stopped)"));
                text.append(String.format("    Registration: %s%n", registration(agent)));
                List<Transfer> transfers = shared.transfers().transfers();
                text.append(String.format("    Transfers in flight: %d%n", transfers.size()));
                for (Transfer transfer : transfers) {
                    text.append(String.format("        %s%n", transfer));
                }
                TransferStatistics totals = shared.statistics();
                text.append(String.format("    Totals: offered %d, accepted %d, rejected %d, completed %d, failed %d, %s%n",
                        totals.offered(), totals.accepted(), totals.rejected(), totals.completed(), totals.failed(),
                        TransferFormat.bytes(totals.bytes())));
            }
        });
        return text.toString();
    }

    @Override
    protected Map<String, Object> doCallJson(Map<String, Object> options) {
        JsonObject root = new JsonObject();
        JsonArray list = new JsonArray();
        root.put("agents", list);
        agents().forEach((component, agents) -> {
            for (SharedAgent shared : agents) {
                SipAgent agent = shared.agent();
                JsonObject jo = new JsonObject();
                jo.put("component", component);
                jo.put("identity", agent.config().localUser().addressOfRecord());
                jo.put("listeningPoint", listeningPoint(agent));
                jo.put("running", agent.isRunning());
                JsonObject registration = new JsonObject();
                registration.put("state", agent.registrationState().name());
                agent.config().registrar().ifPresent(registrar -> registration.put("registrar", registrar.toString()));
                agent.registrationFailure().ifPresent(failure -> registration.put("lastFailure", failure.getMessage()));
                agent.registrationFailure().flatMap(failure -> failure.status().isPresent()
                        ? java.util.Optional.of(failure.status().getAsInt()) : java.util.Optional.empty())
                        .ifPresent(status -> registration.put("lastStatus", status));
                jo.put("registration", registration);
                JsonArray transfers = new JsonArray();
                for (Transfer transfer : shared.transfers().transfers()) {
                    transfers.add(json(transfer));
                }
                jo.put("transfers", transfers);
                TransferStatistics totals = shared.statistics();
                JsonObject sums = new JsonObject();
                sums.put("offered", totals.offered());
                sums.put("accepted", totals.accepted());
                sums.put("rejected", totals.rejected());
                sums.put("completed", totals.completed());
                sums.put("failed", totals.failed());
                sums.put("bytes", totals.bytes());
                jo.put("totals", sums);
                list.add(jo);
            }
        });
        return root;
    }

    private static JsonObject json(Transfer transfer) {
        JsonObject jo = new JsonObject();
        jo.put("cookie", transfer.cookie());
        jo.put("direction", transfer.direction().name());
        jo.put("peer", transfer.peer().addressOfRecord());
        jo.put("fileName", transfer.fileName());
        jo.put("size", transfer.size());
        jo.put("bytes", transfer.bytes());
        jo.put("percent", transfer.percent());
        jo.put("bytesPerSecond", Math.round(transfer.bytesPerSecond()));
        transfer.remaining().ifPresent(left -> jo.put("remainingMillis", left.toMillis()));
        transfer.flow().ifPresent(flow -> jo.put("flow", flow.name()));
        transfer.dialect().ifPresent(dialect -> jo.put("dialect", dialect.name()));
        jo.put("state", transfer.state().name());
        jo.put("offeredAt", transfer.offeredAt().toString());
        return jo;
    }

    private static String listeningPoint(SipAgent agent) {
        return agent.advertisedHost() + ":" + agent.localPort() + "/" + agent.config().transport().wireName();
    }

    private static String registration(SipAgent agent) {
        if (agent.config().registrar().isEmpty()) {
            return "none (no registrar configured)";
        }
        String text = agent.registrationState() + " at " + agent.config().registrar().get();
        return agent.registrationFailure().map(SipAgentException::getMessage).map(why -> text + ": " + why).orElse(text);
    }
}
