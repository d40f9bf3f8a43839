// A small sarama client for the broker's compatibility test (sarama-compat.test.ts), built against Debian's
// golang-github-shopify-sarama-dev (sarama 1.22.1) in GOPATH mode. One command per run, its arguments as one
// JSON object; the last stdout line is a JSON result, errors go to stderr with exit code 1.
//
//	produce  {bootstrap, version, topic, count, codec, prefix}  -> {"offsets": [...]}
//	consume  {bootstrap, version, topic, count}                 -> {"rows": [[offset, value, unixMillis], ...], "oldest", "newest"}
//	group    {bootstrap, version, topic, group, count}          -> {"rows": [[partition, offset, value], ...]}
//	commit   {bootstrap, version, topic, group, count}          -> {"before": next offset, "after": next offset}
//	         (OffsetManager, which works at any version: reads the group's next offset, marks `count`, closes
//	         (which commits), then reads it again with a new manager)
//	admin    {bootstrap, version, topic, create}                -> {"brokers", "controller", "topics": {name: partitions}, "groups"}
//	         (with create: CreateTopic with 2 partitions, then CreatePartitions to 3, before listing)
//
// "version" is a sarama KafkaVersion string ("" keeps sarama's default, 0.8.2).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/Shopify/sarama"
)

type args struct {
	Bootstrap string `json:"bootstrap"`
	Version   string `json:"version"`
	Topic     string `json:"topic"`
	Group     string `json:"group"`
	Count     int    `json:"count"`
	Codec     string `json:"codec"`
	Prefix    string `json:"prefix"`
	Create    bool   `json:"create"`
}

func main() {
	if len(os.Args) != 3 {
		fail(errors.New("usage: sarama-client <produce|consume|group> <json args>"))
	}
	var a args
	if err := json.Unmarshal([]byte(os.Args[2]), &a); err != nil {
		fail(fmt.Errorf("bad JSON arguments: %w", err))
	}
	cfg, err := config(a.Version)
	if err != nil {
		fail(err)
	}
	var out interface{}
	switch os.Args[1] {
	case "produce":
		out, err = produce(a, cfg)
	case "consume":
		out, err = consume(a, cfg)
	case "group":
		out, err = group(a, cfg)
	case "admin":
		out, err = admin(a, cfg)
	case "commit":
		out, err = commit(a, cfg)
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fail(err)
	}
	line, _ := json.Marshal(out)
	fmt.Println(string(line))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "sarama-client:", err)
	os.Exit(1)
}

func config(version string) (*sarama.Config, error) {
	cfg := sarama.NewConfig()
	cfg.ClientID = "sarama-compat-test"
	if version != "" {
		v, err := sarama.ParseKafkaVersion(version)
		if err != nil {
			return nil, err
		}
		cfg.Version = v
	}
	// a broken client must fail the test quickly instead of retrying for minutes
	cfg.Metadata.Retry.Max = 2
	cfg.Net.DialTimeout = 10 * time.Second
	cfg.Net.ReadTimeout = 20 * time.Second
	return cfg, nil
}

func produce(a args, cfg *sarama.Config) (interface{}, error) {
	cfg.Producer.Return.Successes = true
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Producer.Retry.Max = 0
	// batch every message of the run together, so a compressed run is one compressed wrapper
	cfg.Producer.Flush.Messages = a.Count
	cfg.Producer.Flush.Frequency = time.Second
	switch a.Codec {
	case "", "none":
	case "gzip":
		cfg.Producer.Compression = sarama.CompressionGZIP
	case "snappy":
		cfg.Producer.Compression = sarama.CompressionSnappy
	case "lz4":
		cfg.Producer.Compression = sarama.CompressionLZ4
	default:
		return nil, fmt.Errorf("unknown codec %q", a.Codec)
	}
	p, err := sarama.NewSyncProducer([]string{a.Bootstrap}, cfg)
	if err != nil {
		return nil, fmt.Errorf("producer: %w", err)
	}
	defer p.Close()
	msgs := make([]*sarama.ProducerMessage, a.Count)
	for i := range msgs {
		msgs[i] = &sarama.ProducerMessage{
			Topic:     a.Topic,
			Partition: 0,
			Key:       sarama.StringEncoder(fmt.Sprintf("k%d", i)),
			Value:     sarama.StringEncoder(fmt.Sprintf("%s-%d", a.Prefix, i)),
			Timestamp: time.Unix(1_700_000_000+int64(i), 0),
		}
	}
	if err := p.SendMessages(msgs); err != nil {
		return nil, fmt.Errorf("send: %w", err)
	}
	offsets := make([]int64, len(msgs))
	for i, m := range msgs {
		offsets[i] = m.Offset
	}
	return map[string]interface{}{"offsets": offsets}, nil
}

func consume(a args, cfg *sarama.Config) (interface{}, error) {
	client, err := sarama.NewClient([]string{a.Bootstrap}, cfg)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	defer client.Close()
	oldest, err := client.GetOffset(a.Topic, 0, sarama.OffsetOldest)
	if err != nil {
		return nil, fmt.Errorf("oldest offset: %w", err)
	}
	newest, err := client.GetOffset(a.Topic, 0, sarama.OffsetNewest)
	if err != nil {
		return nil, fmt.Errorf("newest offset: %w", err)
	}
	c, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	pc, err := c.ConsumePartition(a.Topic, 0, sarama.OffsetOldest)
	if err != nil {
		return nil, fmt.Errorf("consume: %w", err)
	}
	defer pc.Close()
	rows := [][]interface{}{}
	deadline := time.After(30 * time.Second)
	for len(rows) < a.Count {
		select {
		case m := <-pc.Messages():
			rows = append(rows, []interface{}{m.Offset, string(m.Value), m.Timestamp.UnixNano() / 1e6})
		case err := <-pc.Errors():
			return nil, fmt.Errorf("partition consumer: %w", err)
		case <-deadline:
			return nil, fmt.Errorf("got %d of %d messages in 30 s", len(rows), a.Count)
		}
	}
	return map[string]interface{}{"rows": rows, "oldest": oldest, "newest": newest}, nil
}

type handler struct {
	mu     sync.Mutex
	rows   [][]interface{}
	want   int
	enough chan struct{}
	once   sync.Once
}

func (h *handler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (h *handler) Cleanup(sarama.ConsumerGroupSession) error { return nil }
func (h *handler) ConsumeClaim(s sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for m := range claim.Messages() {
		h.mu.Lock()
		h.rows = append(h.rows, []interface{}{m.Partition, m.Offset, string(m.Value)})
		n := len(h.rows)
		h.mu.Unlock()
		s.MarkMessage(m, "")
		if n >= h.want {
			h.once.Do(func() { close(h.enough) })
		}
	}
	return nil
}

// group reads `count` messages as a member of `group` (starting at the committed offsets, else the oldest),
// commits them, and leaves.
func group(a args, cfg *sarama.Config) (interface{}, error) {
	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	cfg.Consumer.Return.Errors = true
	g, err := sarama.NewConsumerGroup([]string{a.Bootstrap}, a.Group, cfg)
	if err != nil {
		return nil, fmt.Errorf("consumer group: %w", err)
	}
	h := &handler{want: a.Count, enough: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		for ctx.Err() == nil {
			if err := g.Consume(ctx, []string{a.Topic}, h); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	var runErr error
	select {
	case <-h.enough:
	case err := <-g.Errors():
		runErr = fmt.Errorf("group: %w", err)
	case err := <-done:
		runErr = fmt.Errorf("group ended early: %v", err)
	case <-time.After(60 * time.Second):
		runErr = fmt.Errorf("group got %d of %d messages in 60 s", len(h.rows), a.Count)
	}
	cancel()
	// Close commits the marked offsets, then leaves the group
	if err := g.Close(); err != nil && runErr == nil {
		runErr = fmt.Errorf("close: %w", err)
	}
	if runErr != nil {
		return nil, runErr
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	sort.Slice(h.rows, func(i, j int) bool { return h.rows[i][1].(int64) < h.rows[j][1].(int64) })
	return map[string]interface{}{"rows": h.rows}, nil
}

func admin(a args, cfg *sarama.Config) (interface{}, error) {
	ca, err := sarama.NewClusterAdmin([]string{a.Bootstrap}, cfg)
	if err != nil {
		return nil, fmt.Errorf("cluster admin: %w", err)
	}
	defer ca.Close()
	if a.Create {
		detail := &sarama.TopicDetail{NumPartitions: 2, ReplicationFactor: 1}
		if err := ca.CreateTopic(a.Topic, detail, false); err != nil {
			return nil, fmt.Errorf("create topic: %w", err)
		}
		if err := ca.CreatePartitions(a.Topic, 3, nil, false); err != nil {
			return nil, fmt.Errorf("create partitions: %w", err)
		}
	}
	brokers, controller, err := ca.DescribeCluster()
	if err != nil {
		return nil, fmt.Errorf("describe cluster: %w", err)
	}
	details, err := ca.ListTopics()
	if err != nil {
		return nil, fmt.Errorf("list topics: %w", err)
	}
	topics := map[string]int32{}
	for name, d := range details {
		topics[name] = d.NumPartitions
	}
	groups, err := ca.ListConsumerGroups()
	if err != nil {
		return nil, fmt.Errorf("list groups: %w", err)
	}
	names := []string{}
	for g := range groups {
		names = append(names, g)
	}
	sort.Strings(names)
	return map[string]interface{}{"brokers": len(brokers), "controller": controller, "topics": topics, "groups": names}, nil
}

func commit(a args, cfg *sarama.Config) (interface{}, error) {
	client, err := sarama.NewClient([]string{a.Bootstrap}, cfg)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	defer client.Close()
	next := func(mark bool) (int64, error) {
		om, err := sarama.NewOffsetManagerFromClient(a.Group, client)
		if err != nil {
			return 0, fmt.Errorf("offset manager: %w", err)
		}
		defer om.Close() // flushes the marked offset: OffsetCommit
		pom, err := om.ManagePartition(a.Topic, 0)
		if err != nil {
			return 0, fmt.Errorf("manage partition: %w", err)
		}
		defer pom.Close()
		offset, _ := pom.NextOffset() // OffsetFetch
		if mark {
			pom.MarkOffset(offset+int64(a.Count), "")
		}
		return offset, nil
	}
	before, err := next(true)
	if err != nil {
		return nil, err
	}
	after, err := next(false)
	if err != nil {
		return nil, err
	}
	return map[string]interface{}{"before": before, "after": after}, nil
}
