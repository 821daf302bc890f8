// Command genposts writes a deterministic synthetic Jekyll post archive that
// resembles a Chinese financial-news site, for benchmarking `folio build`.
//
//	go run ./scripts/genposts -n 10000 -out DIR [-seed 1] [-workers N]
//
// Posts go to DIR/_posts/YYYY-MM-DD-<id>.md. Each post is generated from its
// own PCG stream seeded by (seed, index), so the output is byte-identical for
// the same -n and -seed no matter how many workers run.
package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
)

// Vocabulary, written for this generator. Words are grouped loosely by role so
// sentences read vaguely like news copy.
var (
	nouns = fields(`
市场 经济 投资者 资金 股票 债券 基金 银行 央行 利率 汇率 人民币 美元 通胀
货币政策 财政政策 流动性 成交量 成交额 板块 指数 上证指数 深证成指 创业板 科创板
券商 保险 信托 理财 房地产 新能源 光伏 锂电池 半导体 芯片 白酒 医药 消费
制造业 出口 进口 贸易 顺差 外资 北向资金 机构 散户 估值 市盈率 收益率 国债
地方债 信用债 违约 风险 监管 证监会 交易所 上市公司 业绩 营收 净利润 毛利率
现金流 分红 回购 增持 减持 融资 融券 杠杆 期货 期权 大宗商品 原油 黄金 铜
铁矿石 煤炭 钢铁 有色金属 化工 农业 粮食 猪肉 物价 居民 就业 工资 消费者 需求
供给 产能 库存 订单 基建 专项债 社融 信贷 贷款 存款 准备金 逆回购 公开市场
美联储 欧洲央行 美股 港股 恒生指数 纳斯达克 道琼斯 新兴市场 全球 疫情 供应链
产业链 数字经济 人工智能 云计算 大数据 互联网 平台 电商 汽车 电动车 充电桩 储能
风电 碳中和 碳排放 绿色金融 改革 开放 政策 会议 报告 数据 统计局 季度 年度 增速
龙头 题材 概念股 主力 游资 仓位 行情 拐点 周期 复苏 基本面 预期 情绪 壁垒 格局
`)
	verbs = fields(`
上涨 下跌 回落 反弹 震荡 走高 走低 收涨 收跌 企稳 攀升 下滑 扩大 收窄 增加 减少
发布 宣布 表示 认为 指出 预计 预测 显示 强调 提出 推动 促进 支持 加强 完善 落实
优化 调整 释放 稳定 放缓 加快 超预期 不及预期 创新高 跌破 突破 站上 持续 维持
保持 关注 布局 配置 加仓 减仓 流入 流出 净买入 净卖出 降准 降息 加息 缩表 修复
改善 承压 分化 轮动 领涨 领跌 拖累 提振 抑制 带动
`)
	mods = fields(`
显著 明显 大幅 小幅 温和 整体 总体 结构性 阶段性 长期 短期 中长期 积极 稳健 审慎
宽松 偏紧 合理 充裕 有望 或将 仍然 依然 进一步 逐步 较快 较为 相对 基本 主要
重要 核心 关键 新一轮 高质量 全面 明确 大概率 边际 持续性 总量 平稳 强劲 疲弱
`)
	glue = fields(`
的 了 在 和 与 及 对 从 将 已 也 都 而 并 但是 同时 此外 其中 因此 由于 随着
目前 今年 去年 近期 本周 上周 昨日 今日 午后 早盘 尾盘 全天 截至收盘 不过 总的来看
`)
	sources = fields(`
分析师 专家 业内人士 券商研报 机构人士 基金经理 市场人士 经济学家 首席策略师 记者
`)
	latin = fields(`
A股 B股 H股 5G 沪深300 中证500 上证50 MSCI IPO LPR MLF ETF REITs QFII GDP CPI PPI PMI M2 ESG
`)
	categories = fields(`宏观 股市 债市 外汇 商品 公司 科技 地产`)
	tags       = fields(`
央行 降准 降息 通胀 就业 出口 A股 港股 美股 新能源 光伏 半导体 白酒 医药 券商 银行
保险 地产 基建 黄金 原油 人民币 美联储 北向资金 IPO 业绩 分红 碳中和 人工智能 汽车
`)
	hanLen = map[string]int{}
)

func fields(s string) []string { return strings.Fields(s) }

func init() {
	for _, list := range [][]string{nouns, verbs, mods, glue, sources, latin} {
		for _, w := range list {
			hanLen[w] = countHan(w)
		}
	}
}

func countHan(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x2E80 && unicode.Is(unicode.Han, r) {
			n++
		}
	}
	return n
}

const (
	minBody = 100
	maxBody = 3000
)

var (
	cst       = time.FixedZone("CST", 8*3600)
	startDate = time.Date(2021, 1, 1, 8, 0, 0, 0, cst)
	span      = 3 * 365 * 24 * time.Hour
)

// gen holds the per-post generator state; buf is reused between posts.
type gen struct {
	r    *rand.Rand
	buf  []byte
	han  int  // Han characters written into the body so far
	body bool // whether han counting is active
}

func pick(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }

func (g *gen) word(w string) {
	g.buf = append(g.buf, w...)
	if g.body {
		if n, ok := hanLen[w]; ok {
			g.han += n
		} else {
			g.han += countHan(w)
		}
	}
}

// number appends a numeric token such as 12.3%, 3245.67点 or 1280亿元.
func (g *gen) number() {
	r := g.r
	switch r.IntN(6) {
	case 0, 1:
		g.decimal(r.IntN(400)-100, 1)
		g.word("%")
	case 2:
		g.decimal(2800_00+r.IntN(900_00), 2)
		g.word("点")
	case 3:
		g.buf = strconv.AppendInt(g.buf, int64(1+r.IntN(9999)), 10)
		g.word(pick(r, []string{"亿元", "万元", "万手", "家", "只"}))
	case 4:
		g.buf = strconv.AppendInt(g.buf, int64(2018+r.IntN(7)), 10)
		g.word("年")
	default:
		g.buf = strconv.AppendInt(g.buf, int64(1+r.IntN(12)), 10)
		g.word("月")
	}
}

// decimal appends v / 10^places with exactly `places` fractional digits.
func (g *gen) decimal(v, places int) {
	if v < 0 {
		g.buf = append(g.buf, '-')
		v = -v
	}
	p := 1
	for range places {
		p *= 10
	}
	g.buf = strconv.AppendInt(g.buf, int64(v/p), 10)
	g.buf = append(g.buf, '.')
	frac := strconv.Itoa(v % p)
	for range places - len(frac) {
		g.buf = append(g.buf, '0')
	}
	g.buf = append(g.buf, frac...)
}

// clause appends a short run of words without punctuation.
func (g *gen) clause(words int) {
	r := g.r
	for i := range words {
		switch x := r.IntN(100); {
		case x < 6:
			g.number()
		case x < 11:
			g.word(pick(r, latin))
		case x < 45:
			g.word(pick(r, nouns))
		case x < 65:
			g.word(pick(r, verbs))
		case x < 78:
			g.word(pick(r, mods))
		default:
			if i == 0 {
				g.word(pick(r, nouns))
			} else {
				g.word(pick(r, glue))
			}
		}
	}
}

// sentences appends clauses until the body reaches goal Han characters.
func (g *gen) sentences(goal int, bold bool) {
	r := g.r
	for first := true; first || g.han < goal; first = false {
		if r.IntN(8) == 0 {
			g.word(pick(r, sources))
			g.word(pick(r, []string{"表示：", "认为，", "指出，"}))
		}
		for c := 1 + r.IntN(3); ; c-- {
			emph := bold && r.IntN(6) == 0
			if emph {
				g.buf = append(g.buf, "**"...)
			}
			g.clause(2 + r.IntN(5))
			if emph {
				g.buf = append(g.buf, "**"...)
			}
			if c <= 1 || g.han >= goal {
				break
			}
			g.word("，")
		}
		g.word(pick(r, []string{"。", "。", "。", "。", "；", "！"}))
	}
}

func (g *gen) paragraph(goal int, html bool) {
	if html {
		g.buf = append(g.buf, "<p>"...)
		g.sentences(goal, false)
		g.buf = append(g.buf, "</p>\n"...)
		return
	}
	g.sentences(goal, true)
	g.buf = append(g.buf, '\n')
}

func (g *gen) heading() {
	g.buf = append(g.buf, "## "...)
	if g.r.IntN(4) == 0 {
		g.buf[len(g.buf)-1] = '#'
		g.buf = append(g.buf, ' ')
	}
	g.clause(2 + g.r.IntN(3))
	g.buf = append(g.buf, '\n')
}

func (g *gen) list() {
	ordered := g.r.IntN(3) == 0
	for i := range 3 + g.r.IntN(3) {
		if ordered {
			g.buf = strconv.AppendInt(g.buf, int64(i+1), 10)
			g.buf = append(g.buf, ". "...)
		} else {
			g.buf = append(g.buf, "- "...)
		}
		g.clause(3 + g.r.IntN(6))
		g.word("；")
		g.buf = append(g.buf, '\n')
	}
}

func (g *gen) table() {
	r := g.r
	g.buf = append(g.buf, "| 指标 | 数值 | 同比 |\n| --- | ---: | ---: |\n"...)
	for range 3 + r.IntN(4) {
		g.buf = append(g.buf, "| "...)
		if r.IntN(3) == 0 {
			g.word(pick(r, latin))
		} else {
			g.word(pick(r, nouns))
		}
		g.buf = append(g.buf, " | "...)
		g.number()
		g.buf = append(g.buf, " | "...)
		g.decimal(r.IntN(300)-100, 1)
		g.buf = append(g.buf, "% |\n"...)
	}
}

// bodyLength draws a Han-character target in [100, 2960], skewed short with
// a mean of roughly 800.
func bodyLength(r *rand.Rand) int {
	n := minBody + int(r.ExpFloat64()*720)
	return min(n, maxBody-40) // the last clause may overshoot the goal a little
}

// post renders post i into g.buf and returns its file name.
func (g *gen) post(i, n int, seed uint64) string {
	g.r = rand.New(rand.NewPCG(seed, uint64(i)^0x9e3779b97f4a7c15))
	g.buf, g.han, g.body = g.buf[:0], 0, false
	r := g.r

	step := span / time.Duration(n)
	date := startDate.Add(step * time.Duration(i))
	if step >= 2*time.Second {
		date = date.Add(time.Duration(r.Int64N(int64(step/time.Second))) * time.Second)
	}
	date = date.Truncate(time.Second)
	name := fmt.Sprintf("%s-%06d.md", date.Format("2006-01-02"), i+1)

	g.buf = append(g.buf, "---\nlayout: post\ntitle: \""...)
	titleStart := len(g.buf)
	g.word(pick(r, nouns))
	g.clause(2 + r.IntN(4))
	if r.IntN(3) == 0 {
		g.word("：")
		g.clause(2 + r.IntN(3))
	}
	escapeQuotes(&g.buf, titleStart)
	g.buf = append(g.buf, "\"\ndate: "...)
	g.buf = date.AppendFormat(g.buf, "2006-01-02 15:04:05 -0700")
	g.buf = append(g.buf, "\ncategories: "...)
	g.buf = append(g.buf, pick(r, categories)...)
	g.buf = append(g.buf, "\ntags: "...)
	g.buf = append(g.buf, pick(r, tags)...)
	g.buf = append(g.buf, "\n---\n\n"...)

	target := bodyLength(r)
	// Per-post style: all raw HTML, all Markdown, or mixed.
	htmlShare := [...]int{100, 0, 50}[r.IntN(3)]
	headings := r.IntN(10) < 3
	wantList := r.IntN(4) == 0
	wantTable := r.IntN(10) == 0
	g.body = true
	prevHTML := false
	for block := 0; g.han < target; block++ {
		kind := 0 // paragraph
		switch roomy := target-g.han > 200; {
		case !roomy: // near the end only paragraphs, so bodies stay under maxBody
		case headings && block%4 == 1:
			kind = 1
		case wantList && block >= 2:
			kind, wantList = 2, false
		case wantTable && block >= 3:
			kind, wantTable = 3, false
		}
		html := kind == 0 && r.IntN(100) < htmlShare
		// Blocks are separated by a blank line, except that consecutive
		// raw-HTML paragraphs sometimes sit on adjacent lines.
		if block > 0 && !(prevHTML && html && r.IntN(2) == 0) {
			g.buf = append(g.buf, '\n')
		}
		switch kind {
		case 1:
			g.heading()
		case 2:
			g.list()
		case 3:
			g.table()
		default:
			g.paragraph(min(target, g.han+40+r.IntN(200)), html)
		}
		prevHTML = html
	}
	return name
}

func escapeQuotes(buf *[]byte, from int) {
	s := string((*buf)[from:])
	if !strings.ContainsAny(s, `"\`) {
		return
	}
	s = strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
	*buf = append((*buf)[:from], s...)
}

type stats struct {
	posts int
	bytes int64
}

// generate writes n posts under out/_posts using the given number of workers.
func generate(out string, n int, seed uint64, workers int) (stats, error) {
	dir := filepath.Join(out, "_posts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return stats{}, err
	}
	var (
		next, total atomic.Int64
		wg          sync.WaitGroup
		errMu       sync.Mutex
		firstErr    error
	)
	for range max(workers, 1) {
		wg.Go(func() {
			g := &gen{buf: make([]byte, 0, 64<<10)}
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				name := g.post(i, n, seed)
				if err := os.WriteFile(filepath.Join(dir, name), g.buf, 0o644); err != nil {
					errMu.Lock()
					firstErr = errors.Join(firstErr, err)
					errMu.Unlock()
					next.Store(math.MaxInt64 / 2) // stop everyone
					return
				}
				total.Add(int64(len(g.buf)))
			}
		})
	}
	wg.Wait()
	return stats{posts: n, bytes: total.Load()}, firstErr
}

func main() {
	n := flag.Int("n", 10000, "number of posts")
	out := flag.String("out", "", "output directory (posts go to OUT/_posts)")
	seed := flag.Uint64("seed", 1, "random seed")
	workers := flag.Int("workers", runtime.GOMAXPROCS(0), "parallel workers")
	flag.Parse()
	if *out == "" || *n < 1 || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: genposts -n N -out DIR [-seed S] [-workers W]")
		os.Exit(2)
	}
	start := time.Now()
	st, err := generate(*out, *n, *seed, *workers)
	if err != nil {
		fmt.Fprintln(os.Stderr, "genposts:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "genposts: %d posts, %d bytes (%.1f MB), %.2fs -> %s\n",
		st.posts, st.bytes, float64(st.bytes)/(1<<20), time.Since(start).Seconds(),
		filepath.Join(*out, "_posts"))
}
