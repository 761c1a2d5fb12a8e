import java.nio.file.*;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.common.SolrInputDocument;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.embedded.JettyConfig;

public class Cluster {
  public static void main(String[] args) throws Exception {
    Path base = Paths.get(args[0]);
    Files.createDirectories(base);
    MiniSolrCloudCluster cluster = new MiniSolrCloudCluster.Builder(2, base)
        .addConfig("baogao", Paths.get(args[1]))
        .withJettyConfig(b -> b.setPort(0))
        .build();
    StringBuilder urls = new StringBuilder();
    for (var j : cluster.getJettySolrRunners()) urls.append(urls.length() > 0 ? "," : "").append(j.getBaseUrl());
    System.out.println("NODES " + urls);
    CloudSolrClient client = cluster.getSolrClient();
    CollectionAdminRequest.createCollection("baogao", "baogao", 2, 2).process(client);
    cluster.waitForActiveCollection("baogao", 2, 4);
    SolrInputDocument doc = new SolrInputDocument();
    doc.addField("id", "000_1");
    doc.addField("norm", "全市在线受理企业九解一协调方面各类诉求647件");
    client.add("baogao", doc);
    client.commit("baogao");
    for (String q : new String[]{"\"六双\"", "\"九解一协调\"", "\"协调方面\"", "\"647\""}) {
      long n = client.query("baogao", new SolrQuery("norm:" + q)).getResults().getNumFound();
      System.out.println("QUERY " + q + " " + n);
    }
    System.out.println("READY");
    if (args.length > 2) Thread.sleep(Long.parseLong(args[2]));
    cluster.shutdown();
  }
}
