//! Where the time of one article goes, split the way the workers split it: the parallel part
//! (extract + analyze, the JSON round trip through the docs bucket, story recompute and its
//! encoding) and the sequential part (dedup + cluster in order, ending each commit with its
//! story jobs, encoding the new docs). docs/SCALING.md uses these figures.
//!
//! `cargo run --release -p storyfold-worker --example scale_profile -- STREAM.jsonl [COMMIT]`
//! where each line is `{"id","text","title"?,"outlet"?,"published"?}`.
use std::collections::HashMap;
use std::io::BufRead;
use std::time::Instant;
use storyfold::PipelineConfig;
use storyfold_model::{ArticleId, Doc, RawArticle, RawBody};
use storyfold_worker::{Prepared, Preparer, Recomputer, Sequencer};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: scale_profile STREAM.jsonl [COMMIT]")?;
    let commit_every: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(500);
    let mut raws = Vec::new();
    for (n, line) in std::io::BufReader::new(std::fs::File::open(&path)?)
        .lines()
        .enumerate()
    {
        let value: serde_json::Value = serde_json::from_str(&line?)?;
        let text = |k: &str| value.get(k).and_then(|v| v.as_str()).map(str::to_string);
        raws.push(RawArticle {
            id: ArticleId(text("id").unwrap_or_else(|| n.to_string())),
            source: format!("{path}:{}", n + 1),
            body: RawBody::Text(text("text").unwrap_or_default()),
            url: text("url"),
            outlet: text("outlet"),
            title: text("title"),
            published: text("published"),
            fetched_at: None,
        });
    }
    let config = PipelineConfig::default();
    let preparer = Preparer::new(&config)?;
    let t = Instant::now();
    let payloads: Vec<Vec<u8>> = raws
        .iter()
        .map(|r| serde_json::to_vec(r).unwrap())
        .collect();
    let encoded: Vec<Vec<u8>> = payloads
        .iter()
        .map(|p| serde_json::to_vec(&preparer.prepare_bytes(p, "bench")).unwrap())
        .collect();
    let prepare = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let prepared: Vec<Prepared> = encoded
        .iter()
        .map(|b| serde_json::from_slice(b).unwrap())
        .collect();
    let decode = t.elapsed().as_secs_f64();
    {
        let docs: Vec<_> = prepared.iter().filter_map(|p| p.doc().cloned()).collect();
        let mut deduper = config.dedup.build()?;
        let t = Instant::now();
        let sketches: Vec<_> = docs.iter().map(|d| deduper.sketch(d)).collect();
        let sketch = t.elapsed().as_secs_f64();
        let t = Instant::now();
        for (d, s) in docs.iter().zip(sketches) {
            std::hint::black_box(deduper.observe_sketched(d, s));
        }
        let observe_sketched = t.elapsed().as_secs_f64();
        let mut deduper = config.dedup.build()?;
        let t = Instant::now();
        for d in &docs {
            std::hint::black_box(deduper.observe(d));
        }
        let dedup = t.elapsed().as_secs_f64();
        let mut clusterer = config.cluster.build()?;
        let t = Instant::now();
        for d in &docs {
            std::hint::black_box(clusterer.observe(d));
        }
        let cluster = t.elapsed().as_secs_f64();
        let n = docs.len() as f64;
        println!(
            "  of which dedup.observe:   {:.3} ms/article",
            dedup * 1000.0 / n
        );
        println!(
            "    dedup.sketch (parallel):  {:.3} ms/article",
            sketch * 1000.0 / n
        );
        println!(
            "    dedup.observe_sketched:   {:.3} ms/article",
            observe_sketched * 1000.0 / n
        );
        println!(
            "  of which cluster.observe: {:.3} ms/article",
            cluster * 1000.0 / n
        );
    }
    // The sequencer ends each commit with a plan (sequential); the stories it names are
    // recomputed from the members' docs and encoded by any worker (parallel).
    let again = prepared.clone();
    let mut sequencer = Sequencer::new(&config)?;
    let recomputer = Recomputer::new(&config)?;
    let mut docs: HashMap<ArticleId, Doc> = HashMap::new();
    let (mut apply, mut plan_time, mut commit, mut encode) = (0.0, 0.0, 0.0, 0.0);
    for (i, p) in prepared.into_iter().enumerate() {
        let t = Instant::now();
        sequencer.apply(i as u64 + 1, p)?;
        apply += t.elapsed().as_secs_f64();
        if (i + 1) % commit_every == 0 || i + 1 == raws.len() {
            let t = Instant::now();
            let plan = sequencer.plan_commit()?;
            let docs_update = serde_json::to_vec(&plan.docs)?;
            std::hint::black_box(docs_update);
            plan_time += t.elapsed().as_secs_f64();
            for doc in &plan.docs {
                docs.insert(doc.article.id.clone(), doc.clone());
            }
            for job in plan.jobs {
                let t = Instant::now();
                let members: Vec<Doc> = job
                    .members
                    .iter()
                    .map(|(id, _, _)| docs[id].clone())
                    .collect();
                let result = recomputer.compute(&job, &members);
                commit += t.elapsed().as_secs_f64();
                let t = Instant::now();
                std::hint::black_box(serde_json::to_vec(&job.into_update(result))?);
                encode += t.elapsed().as_secs_f64();
            }
        }
    }
    let t = Instant::now();
    let snapshot = serde_json::to_vec(&sequencer.snapshot()?)?;
    println!(
        "snapshot after {} articles: {:.1} MB in {:.0} ms",
        raws.len(),
        snapshot.len() as f64 / 1e6,
        t.elapsed().as_secs_f64() * 1000.0
    );
    let t = Instant::now();
    let direct = sequencer.snapshot_bytes()?;
    println!(
        "snapshot as the leader writes it (Sequencer::snapshot_bytes): {:.1} MB in {:.0} ms",
        direct.len() as f64 / 1e6,
        t.elapsed().as_secs_f64() * 1000.0
    );
    // The same sequence with dedup on a thread of its own (what a leader does when it may use
    // two cores): wall time of apply + plans, and the same decisions.
    let mut threaded = Sequencer::new(&config)?.dedup_on_thread()?;
    let t = Instant::now();
    for (i, p) in again.into_iter().enumerate() {
        threaded.apply(i as u64 + 1, p)?;
        if (i + 1) % commit_every == 0 || i + 1 == raws.len() {
            std::hint::black_box(threaded.plan_commit()?);
        }
    }
    let threaded_wall = t.elapsed().as_secs_f64();
    assert_eq!(
        threaded.ledger().story_of,
        sequencer.ledger().story_of,
        "dedup on a thread decides as inline"
    );
    let n = raws.len() as f64;
    let ms = |s: f64| s * 1000.0 / n;
    println!(
        "sequential apply + plans with dedup on its own thread (wall, needs 2 cores): {:.3} \
         ms/article (inline: {:.3})",
        ms(threaded_wall),
        ms(apply + plan_time)
    );
    println!("articles: {}", raws.len());
    println!(
        "parallel   prepare (decode raw, extract, analyze, encode doc): {:.3} ms/article",
        ms(prepare)
    );
    println!("sequential decode doc:        {:.3} ms/article", ms(decode));
    println!("sequential dedup+cluster:     {:.3} ms/article", ms(apply));
    println!(
        "sequential plan commit + encode new docs: {:.3} ms/article",
        ms(plan_time)
    );
    println!(
        "parallel   story recompute:   {:.3} ms/article (commit every {commit_every})",
        ms(commit)
    );
    println!(
        "parallel   encode story updates: {:.3} ms/article",
        ms(encode)
    );
    let p = ms(prepare + commit + encode);
    let s = ms(decode + apply + plan_time);
    println!(
        "parallel share p = {:.2}; bound for 2 workers on 2 cores (the sequencing one doing \
         only the sequential part): {:.2}x",
        p / (p + s),
        (p + s) / s.max((p + s) / 2.0)
    );
    Ok(())
}
