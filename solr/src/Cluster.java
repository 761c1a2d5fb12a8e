import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.List;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * A local SolrCloud for tests and demos: NODES Solr nodes and an embedded ZooKeeper in this JVM
 * (MiniSolrCloudCluster, from solr-test-framework). It writes the node URLs to RUN/nodes, then
 * obeys commands dropped as RUN/command ("stop-node N", "start-node N", "stop"), answering each in
 * RUN/answer. A restarted node keeps its port, so the URLs printed once stay valid.
 *
 * java -cp "classes:lib/*" Cluster RUN NODES
 */
public class Cluster {
  public static void main(String[] args) throws Exception {
    Path run = Paths.get(args[0]);
    int nodes = Integer.parseInt(args[1]);
    Files.createDirectories(run);
    MiniSolrCloudCluster cluster = new MiniSolrCloudCluster.Builder(nodes, run.resolve("data"))
        .withJettyConfig(b -> b.setPort(0))
        .build();
    List<JettySolrRunner> jetties = List.copyOf(cluster.getJettySolrRunners());
    StringBuilder urls = new StringBuilder();
    for (JettySolrRunner j : jetties) urls.append(urls.length() > 0 ? "," : "").append(j.getBaseUrl());
    write(run.resolve("zk"), cluster.getZkServer().getZkAddress());
    write(run.resolve("nodes"), urls.toString());
    Path command = run.resolve("command");
    while (true) {
      if (Files.exists(command)) {
        String[] words = Files.readString(command, StandardCharsets.UTF_8).trim().split("\\s+");
        Files.delete(command);
        String answer;
        try {
          if (words[0].equals("stop")) {
            cluster.shutdown();
            write(run.resolve("answer"), "ok");
            return;
          }
          int n = Integer.parseInt(words[1]);
          if (n < 1 || n > jetties.size()) throw new IllegalArgumentException("no node " + n + " (1–" + jetties.size() + ")");
          JettySolrRunner jetty = jetties.get(n - 1);
          if (words[0].equals("stop-node")) {
            if (jetty.isRunning()) cluster.stopJettySolrRunner(jetty);
            answer = "ok";
          } else if (words[0].equals("start-node")) {
            if (!jetty.isRunning()) cluster.startJettySolrRunner(jetty, true);  // on its old port
            answer = "ok " + jetty.getBaseUrl();
          } else {
            answer = "error unknown command " + words[0];
          }
        } catch (Exception e) {
          answer = "error " + e;
        }
        write(run.resolve("answer"), answer);
      }
      Thread.sleep(100);
    }
  }

  static void write(Path path, String text) throws Exception {
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    Files.writeString(tmp, text + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
