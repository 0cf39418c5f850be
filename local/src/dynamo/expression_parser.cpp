// Recursive-descent parser for the DynamoDB expression languages.
// Precedence, lowest first: OR, AND, NOT, then comparisons, BETWEEN, IN and
// functions. Errors use DynamoDB's wording ("Syntax error; token: ...").
#include "dynamo/expression.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_set>

namespace kinesys::local::dynamo::expr {
namespace {

enum class tok : std::uint8_t {
  end, ident, name_ph, value_ph, number, lparen, rparen, lbracket, rbracket, comma, dot,
  eq, ne, lt, le, gt, ge, plus, minus, bad,
};

struct token {
  tok type = tok::end;
  std::string_view text;
};

class lexer {
public:
  explicit lexer(std::string_view s) : s_(s) {}

  token next()
  {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
    if (i_ >= s_.size()) return {tok::end, "<EOF>"};
    std::size_t const start = i_;
    char const c = s_[i_];
    auto word = [&](std::size_t from) {
      std::size_t j = from;
      while (j < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[j])) || s_[j] == '_')) ++j;
      return j;
    };
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      i_ = word(i_);
      return {tok::ident, s_.substr(start, i_ - start)};
    }
    if (c == '#' || c == ':') {
      std::size_t j = word(i_ + 1);
      if (j == i_ + 1) {
        ++i_;
        return {tok::bad, s_.substr(start, 1)};
      }
      i_ = j;
      return {c == '#' ? tok::name_ph : tok::value_ph, s_.substr(start, i_ - start)};
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
      return {tok::number, s_.substr(start, i_ - start)};
    }
    ++i_;
    switch (c) {
      case '(': return {tok::lparen, "("};
      case ')': return {tok::rparen, ")"};
      case '[': return {tok::lbracket, "["};
      case ']': return {tok::rbracket, "]"};
      case ',': return {tok::comma, ","};
      case '.': return {tok::dot, "."};
      case '=': return {tok::eq, "="};
      case '+': return {tok::plus, "+"};
      case '-': return {tok::minus, "-"};
      case '<':
        if (i_ < s_.size() && s_[i_] == '>') { ++i_; return {tok::ne, "<>"}; }
        if (i_ < s_.size() && s_[i_] == '=') { ++i_; return {tok::le, "<="}; }
        return {tok::lt, "<"};
      case '>':
        if (i_ < s_.size() && s_[i_] == '=') { ++i_; return {tok::ge, ">="}; }
        return {tok::gt, ">"};
      default: return {tok::bad, s_.substr(start, 1)};
    }
  }

private:
  std::string_view s_;
  std::size_t i_ = 0;
};

bool iequals(std::string_view a, std::string_view b) noexcept
{
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
         });
}

struct failure {
  std::string message;
};

// Shared machinery: tokens with one lookahead, nodes, paths, placeholders.
class parser_base {
public:
  explicit parser_base(std::string_view text) : lex_(text) { advance(); }

protected:
  void advance()
  {
    prev_ = cur_;
    cur_ = lex_.next();
  }
  bool is_keyword(std::string_view kw) const { return cur_.type == tok::ident && iequals(cur_.text, kw); }
  [[noreturn]] void syntax_error()
  {
    std::string near = prev_.type == tok::end && prev_.text.empty() ? std::string(cur_.text)
                                                                      : std::string(prev_.text) + " " + std::string(cur_.text);
    if (cur_.type == tok::end) near = std::string(prev_.text);
    throw failure{"Syntax error; token: \"" + std::string(cur_.text) + "\", near: \"" + near + "\""};
  }
  void expect(tok t)
  {
    if (cur_.type != t) syntax_error();
    advance();
  }
  void note_name(std::string_view ph)
  {
    if (std::find(used_.names.begin(), used_.names.end(), ph) == used_.names.end()) used_.names.emplace_back(ph);
  }
  void note_value(std::string_view ph)
  {
    if (std::find(used_.values.begin(), used_.values.end(), ph) == used_.values.end()) used_.values.emplace_back(ph);
  }

  bool at_path_start() const { return cur_.type == tok::ident || cur_.type == tok::name_ph; }

  path parse_path()
  {
    path p;
    auto element = [&]() {
      if (cur_.type == tok::ident) {
        if (is_reserved_word(cur_.text))
          throw failure{"Attribute name is a reserved keyword; reserved keyword: " + std::string(cur_.text)};
        p.parts.push_back({path_part::kind::name, std::string(cur_.text), 0});
      } else if (cur_.type == tok::name_ph) {
        note_name(cur_.text);
        p.parts.push_back({path_part::kind::placeholder, std::string(cur_.text), 0});
      } else {
        syntax_error();
      }
      advance();
    };
    element();
    for (;;) {
      if (cur_.type == tok::dot) {
        advance();
        element();
      } else if (cur_.type == tok::lbracket) {
        advance();
        if (cur_.type != tok::number) syntax_error();
        unsigned long idx = 0;
        for (char c : cur_.text) idx = std::min(idx * 10 + static_cast<unsigned long>(c - '0'), 0xffffffffUL);
        p.parts.push_back({path_part::kind::index, {}, static_cast<std::uint32_t>(idx)});
        advance();
        expect(tok::rbracket);
      } else {
        break;
      }
    }
    return p;
  }

  std::uint32_t add_node(node n)
  {
    nodes_.push_back(std::move(n));
    return static_cast<std::uint32_t>(nodes_.size() - 1);
  }
  std::uint32_t add_path_node(path p)
  {
    paths_.push_back(std::move(p));
    node n;
    n.kind = node_kind::path;
    n.path = static_cast<std::uint32_t>(paths_.size() - 1);
    return add_node(std::move(n));
  }
  std::uint32_t add_value_node()
  {
    note_value(cur_.text);
    node n;
    n.kind = node_kind::value;
    n.placeholder = std::string(cur_.text);
    advance();
    return add_node(std::move(n));
  }

  lexer lex_;
  token cur_, prev_{tok::end, ""};
  std::vector<node> nodes_;
  std::vector<path> paths_;
  placeholders used_;
};

// --- conditions ----------------------------------------------------------------

struct function_info {
  std::string_view name;
  node_kind kind;
  int arity;
  bool is_condition;
};

constexpr function_info functions[] = {
    {"attribute_exists", node_kind::attribute_exists, 1, true},
    {"attribute_not_exists", node_kind::attribute_not_exists, 1, true},
    {"attribute_type", node_kind::attribute_type, 2, true},
    {"begins_with", node_kind::begins_with, 2, true},
    {"contains", node_kind::contains, 2, true},
    {"size", node_kind::size, 1, false},
};

class condition_parser : public parser_base {
public:
  using parser_base::parser_base;

  std::shared_ptr<condition const> run()
  {
    std::uint32_t root = parse_or();
    if (cur_.type != tok::end) syntax_error();
    auto c = std::make_shared<condition>();
    c->nodes = std::move(nodes_);
    c->paths = std::move(paths_);
    c->root = root;
    c->used = std::move(used_);
    return c;
  }

private:
  std::uint32_t binary(node_kind k, std::uint32_t a, std::uint32_t b)
  {
    node n;
    n.kind = k;
    n.children = {a, b};
    return add_node(std::move(n));
  }

  std::uint32_t parse_or()
  {
    std::uint32_t left = parse_and();
    while (is_keyword("OR")) {
      advance();
      left = binary(node_kind::or_, left, parse_and());
    }
    return left;
  }

  std::uint32_t parse_and()
  {
    std::uint32_t left = parse_not();
    while (is_keyword("AND")) {
      advance();
      left = binary(node_kind::and_, left, parse_not());
    }
    return left;
  }

  std::uint32_t parse_not()
  {
    if (is_keyword("NOT")) {
      advance();
      node n;
      n.kind = node_kind::not_;
      n.children = {parse_not()};
      return add_node(std::move(n));
    }
    return parse_primary();
  }

  function_info const* function_here()
  {
    if (cur_.type != tok::ident) return nullptr;
    // A function is a name directly followed by '(' (lookahead on a copy).
    lexer probe = lex_;
    if (probe.next().type != tok::lparen) return nullptr;
    for (auto const& f : functions)
      if (cur_.text == f.name) return &f;
    throw failure{"Invalid function name; function: " + std::string(cur_.text)};
  }

  std::uint32_t parse_function(function_info const& f)
  {
    advance();  // name
    expect(tok::lparen);
    node n;
    n.kind = f.kind;
    if (cur_.type != tok::rparen) {
      n.children.push_back(parse_operand());
      while (cur_.type == tok::comma) {
        advance();
        n.children.push_back(parse_operand());
      }
    }
    expect(tok::rparen);
    if (static_cast<int>(n.children.size()) != f.arity)
      throw failure{"Incorrect number of operands for operator or function; operator or function: " +
                    std::string(f.name) + ", number of operands: " + std::to_string(n.children.size())};
    if (nodes_[n.children[0]].kind != node_kind::path)
      throw failure{"Operator or function requires a document path; operator or function: " + std::string(f.name)};
    return add_node(std::move(n));
  }

  std::uint32_t parse_operand()
  {
    if (auto const* f = function_here()) {
      if (f->is_condition)
        throw failure{"The function is not allowed to be used this way in an expression; function: " + std::string(f->name)};
      return parse_function(*f);
    }
    if (cur_.type == tok::value_ph) return add_value_node();
    if (at_path_start()) return add_path_node(parse_path());
    syntax_error();
  }

  std::uint32_t parse_primary()
  {
    if (cur_.type == tok::lparen) {
      advance();
      std::uint32_t inner = parse_or();
      expect(tok::rparen);
      return inner;
    }
    if (auto const* f = function_here(); f && f->is_condition) return parse_function(*f);
    std::uint32_t left = parse_operand();
    node_kind k;
    switch (cur_.type) {
      case tok::eq: k = node_kind::eq; break;
      case tok::ne: k = node_kind::ne; break;
      case tok::lt: k = node_kind::lt; break;
      case tok::le: k = node_kind::le; break;
      case tok::gt: k = node_kind::gt; break;
      case tok::ge: k = node_kind::ge; break;
      default:
        if (is_keyword("BETWEEN")) {
          advance();
          std::uint32_t lo = parse_operand();
          if (!is_keyword("AND")) syntax_error();
          advance();
          std::uint32_t hi = parse_operand();
          node n;
          n.kind = node_kind::between;
          n.children = {left, lo, hi};
          return add_node(std::move(n));
        }
        if (is_keyword("IN")) {
          advance();
          expect(tok::lparen);
          node n;
          n.kind = node_kind::in;
          n.children.push_back(left);
          n.children.push_back(parse_operand());
          while (cur_.type == tok::comma) {
            advance();
            n.children.push_back(parse_operand());
          }
          expect(tok::rparen);
          if (n.children.size() > 101)
            throw failure{"Too many operands for the IN operator; maximum is 100"};
          return add_node(std::move(n));
        }
        if (nodes_[left].kind == node_kind::size)
          throw failure{"The function is not allowed to be used this way in an expression; function: size"};
        syntax_error();
    }
    advance();
    return binary(k, left, parse_operand());
  }
};

// --- update expressions ------------------------------------------------------------

class update_parser : public parser_base {
public:
  using parser_base::parser_base;

  std::shared_ptr<update const> run()
  {
    auto u = std::make_shared<update>();
    bool seen[4] = {false, false, false, false};
    static constexpr std::string_view clause_names[] = {"SET", "REMOVE", "ADD", "DELETE"};
    if (cur_.type == tok::end) syntax_error();
    while (cur_.type != tok::end) {
      int clause = -1;
      for (int i = 0; i < 4; ++i)
        if (is_keyword(clause_names[i])) clause = i;
      if (clause < 0) syntax_error();
      if (seen[clause])
        throw failure{"The \"" + std::string(clause_names[clause]) +
                      "\" section can only be used once in an update expression;"};
      seen[clause] = true;
      advance();
      for (;;) {
        update_action a;
        a.k = static_cast<update_action::kind>(clause);
        a.target = parse_path();
        if (a.k == update_action::kind::set) {
          expect(tok::eq);
          a.value = parse_set_value();
        } else if (a.k != update_action::kind::remove) {
          if (cur_.type != tok::value_ph) syntax_error();
          a.value = add_value_node();
        }
        u->actions.push_back(std::move(a));
        if (cur_.type != tok::comma) break;
        advance();
      }
    }
    check_overlaps(u->actions);
    u->nodes = std::move(nodes_);
    u->paths = std::move(paths_);
    u->used = std::move(used_);
    return u;
  }

private:
  std::uint32_t parse_set_operand()
  {
    if (cur_.type == tok::ident) {
      lexer probe = lex_;
      if (probe.next().type == tok::lparen) {
        std::string_view fname = cur_.text;
        node n;
        if (fname == "if_not_exists") n.kind = node_kind::if_not_exists;
        else if (fname == "list_append") n.kind = node_kind::list_append;
        else throw failure{"Invalid function name; function: " + std::string(fname)};
        advance();
        expect(tok::lparen);
        n.children.push_back(parse_set_value());
        while (cur_.type == tok::comma) {
          advance();
          n.children.push_back(parse_set_value());
        }
        expect(tok::rparen);
        if (n.children.size() != 2)
          throw failure{"Incorrect number of operands for operator or function; operator or function: " +
                        std::string(fname) + ", number of operands: " + std::to_string(n.children.size())};
        if (n.kind == node_kind::if_not_exists && nodes_[n.children[0]].kind != node_kind::path)
          throw failure{"Operator or function requires a document path; operator or function: if_not_exists"};
        return add_node(std::move(n));
      }
    }
    if (cur_.type == tok::value_ph) return add_value_node();
    if (at_path_start()) return add_path_node(parse_path());
    syntax_error();
  }

  std::uint32_t parse_set_value()
  {
    std::uint32_t left = parse_set_operand();
    if (cur_.type == tok::plus || cur_.type == tok::minus) {
      node n;
      n.kind = cur_.type == tok::plus ? node_kind::plus : node_kind::minus;
      advance();
      n.children = {left, parse_set_operand()};
      return add_node(std::move(n));
    }
    return left;
  }

  static bool same_part(path_part const& a, path_part const& b)
  {
    return a.k == b.k && a.text == b.text && a.index == b.index;
  }

  static void check_overlaps(std::vector<update_action> const& actions)
  {
    for (std::size_t i = 0; i < actions.size(); ++i)
      for (std::size_t j = i + 1; j < actions.size(); ++j) {
        auto const& a = actions[i].target.parts;
        auto const& b = actions[j].target.parts;
        std::size_t const n = std::min(a.size(), b.size());
        std::size_t k = 0;
        while (k < n && same_part(a[k], b[k])) ++k;
        if (k == n) {
          throw failure{"Two document paths overlap with each other; must remove or rewrite one of these paths; path one: " +
                        describe(actions[i].target) + ", path two: " + describe(actions[j].target)};
        }
        // Same prefix, then one indexes a list where the other names a map member.
        if (k < n && (a[k].k == path_part::kind::index) != (b[k].k == path_part::kind::index))
          throw failure{"Two document paths conflict with each other; must remove or rewrite one of these paths; path one: " +
                        describe(actions[i].target) + ", path two: " + describe(actions[j].target)};
      }
  }
};

// --- projections -----------------------------------------------------------------

class projection_parser : public parser_base {
public:
  using parser_base::parser_base;

  std::shared_ptr<projection const> run()
  {
    auto p = std::make_shared<projection>();
    for (;;) {
      p->paths.push_back(parse_path());
      if (cur_.type != tok::comma) break;
      advance();
    }
    if (cur_.type != tok::end) syntax_error();
    p->used = std::move(used_);
    return p;
  }
};

template <class T, class Parser>
parsed<T> run_parser(std::string_view text)
{
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return parse_error{"The expression can not be empty;"};
  try {
    Parser p(text);
    return p.run();
  } catch (failure const& f) {
    return parse_error{f.message};
  }
}

}  // namespace

parsed<condition> parse_condition(std::string_view text) { return run_parser<condition, condition_parser>(text); }
parsed<update> parse_update(std::string_view text) { return run_parser<update, update_parser>(text); }
parsed<projection> parse_projection(std::string_view text) { return run_parser<projection, projection_parser>(text); }

std::string describe(path const& p)
{
  std::string s = "[";
  for (std::size_t i = 0; i < p.parts.size(); ++i) {
    if (i) s += ", ";
    if (p.parts[i].k == path_part::kind::index) {
      s.push_back('[');
      s.append(std::to_string(p.parts[i].index));
      s.push_back(']');
    } else {
      s.append(p.parts[i].text);
    }
  }
  return s + "]";
}

}  // namespace kinesys::local::dynamo::expr
