package main

import (
	"fmt"
	"strings"
)

// clauses are the sentences posts are made of. Some hold the query phrases, others only
// near misses: the words of 疫情防控 apart, 高 and 唐 apart, 县 and 聊 without 唐县, 聊城.
var clauses = []string{
	"高唐县今天召开会议",
	"聊城担当精神值得学习",
	"疫情防控工作有序推进",
	"核酸检测点排起长队",
	"疫情严重，防控有力",
	"春天的公园里开满了花",
	"图书馆延长了开放时间",
	"市民积极参与志愿服务",
	"新建的地铁线路开通运营",
	"高原上的唐代石刻保存完好",
	"县城的夜市热闹非凡",
	"聊天室里大家讨论天气",
}

// queries are the phrases main prints hits for and the test checks.
var queries = []string{"高唐", "唐县", "城担", "疫情防控", "核酸检测", "高唐县今天召开", "唐高"}

// corpus returns 50 posts of three clauses each, the same every time.
func corpus() []post {
	n := len(clauses)
	posts := make([]post, 50)
	for i := range posts {
		body := []string{clauses[i%n], clauses[(5*i+3)%n], clauses[(7*i+1)%n]}
		posts[i] = post{
			ID:    fmt.Sprintf("p%02d", i),
			Title: fmt.Sprintf("第%d篇：%s", i, body[0]),
			Body:  strings.Join(body, "。") + "。",
		}
	}
	return posts
}
