// kvnand_scheduler: the example RTL command scheduler of kvnand's flash controller (Verilog-2005).
// It decides which queued host request becomes which flash command, for which die, at which clock
// edge, with exactly the reference policy of the clocked TLM scheduler (below), so that a
// co-simulation run and a TLM run issue the same commands per die. Verilated with
// `verilator --sc` and driven by kvnand's SystemC transactors; an architect replaces it with a
// module that keeps these ports and timing rules.
//
// ---------------------------------------------------------------------------------------------
// Parameters
//   LANES          (8)  request lanes = issue lanes = completion lanes.
//   DIES           (16) dies tracked; global die index g = channel * cfg_dies_per_channel + die.
//   QUEUE_CAPACITY (64) storage of each die's request queue (cfg_queue_depth <= QUEUE_CAPACITY).
// Field widths (fixed; localparams *_W): op 4, channel 8, die 8, planes 64 (bit p = plane p),
//   block 32, page 32, pages 32, count 16, tag 16. Packed lanes: lane l of a field of width W
//   is bits [l*W +: W] of the port.
//
// Op codes (4 bits)          class   request
//   0  READ                  page    one page (block, page) of one plane (planes one-hot), pages 1
//   1  PROGRAM               page    one page, pages 1
//   2  ERASE                 page    one block (page 0), pages 1
//   8  BROADCAST             stream  input vector to every die of the channel (die 0), pages 0
//   9  INPUT                 stream  input vector to one die, pages 0
//   10 COMPUTE               stream  in-flash kernel; planes with pages, pages = total pages
//   11 KV_PROGRAM            stream  K/V bytes into one plane's page (planes one-hot), pages 1
//   12 READ_PAGES            stream  page-stream read-out; planes with pages, pages = total
//   Other codes are refused (req_ready stays low); the transactor never sends them.
//
// Ports (in = into the scheduler)
//   clk                   in   Only rising edges matter. The clock is gated: the transactor makes
//                              an edge only when a request arrived, a completion or die_ready
//                              change is pending, or `active` was high after the last edge.
//   rst_n                 in   Active low, ASYNCHRONOUS (clears every register at once; the queue
//                              storage itself is not cleared, its counts are). kvnand holds it low
//                              for two edges at time 0, then high for the whole run.
//   cfg_dies_per_channel  in [7:0]   static from reset on; every request has die < this.
//   cfg_queue_depth       in [15:0]  requests one die's queue may hold (values above
//                                    QUEUE_CAPACITY act as QUEUE_CAPACITY).
//   cfg_max_planes        in [7:0]   most requests (planes) one multi-plane command serves, >= 1.
//   cfg_cache_read        in         1: a run of sequential single-plane READs is one cache read.
//   req_valid             in [LANES-1:0]
//   req_ready             out [LANES-1:0]  combinational from the registered state and this edge's
//                              request, die_ready, completion and cmd_ready inputs; high only on
//                              a valid lane whose request is taken at the coming edge.
//   req_op/channel/die/planes/block/page/pages/tag  in, packed LANES x field width.
//                              A request is TRANSFERRED at a rising edge where its lane has
//                              req_valid & req_ready; a lane not taken keeps its request for the
//                              next edge. Per die, requests arrive in order: lane order within an
//                              edge, earlier edges first (a refused request keeps every later one of
//                              its die waiting behind it). Tags are unique among requests in flight.
//                              A request with g >= DIES is refused forever (the transactor checks
//                              this before; it is never sent). For page-class requests req_pages is
//                              1 by definition and not stored.
//   die_ready             in [DIES-1:0]  bit g: die g's page-command sequencer is free (R/B#).
//                              The transactor lowers it before the edge after a page command to die
//                              g was issued and raises it when that command has completed.
//   cmd_valid             out [LANES-1:0]  REGISTERED. A command is ISSUED at the rising edge after
//                              which its lane shows cmd_valid (the transactor samples the issue
//                              lanes right after every edge and starts the command at that edge's
//                              time). The scheduler never holds a command: after the next edge a
//                              lane shows a different command or cmd_valid low.
//   cmd_ready             in [LANES-1:0]  sampled at an edge: lane l may carry a new command after
//                              this edge. kvnand's die side never stalls and ties it high; a low
//                              lane is skipped when issue lanes are assigned at that edge.
//   cmd_op/channel/die/planes/block/page/pages  out, REGISTERED, as the request fields.
//   cmd_count             out [LANES*16-1:0] requests the command serves.
//   cmd_tag               out [LANES*16-1:0] tag of the first request it serves.
//                              count > 1: a multi-plane command (op of the requests, planes = union
//                              of their one-hot planes, their block and (not ERASE) page, pages 1,
//                              count = planes) or a cache read (READ, one plane, pages = count
//                              consecutive pages from `page`). It serves the request cmd_tag and the
//                              next count-1 page-class requests of the same die in arrival order.
//                              Stream-class commands have count 1 and carry the request unchanged.
//   cpl_valid             in [LANES-1:0]  at the edge after a command finished (its last request
//                              done): one lane per finished command with
//   cpl_op/channel/die/tag in   the command's op, channel, die and cmd_tag.
//   active                out  REGISTERED: the scheduler needs the next edge although no input may
//                              change: a command was issued at this edge (its cmd_valid must
//                              drop), or commands or stream-class requests wait for an issue lane.
//   inflight              out [15:0]  REGISTERED: commands issued and not yet completed (every
//                              cpl_valid lane counts one completion); a debugging aid.
//
// Clock grid and decision rule: edges happen only at whole multiples of the clock period; an
// edge at time e sees every request, completion and die_ready change of time e that settled
// before it, anything later at e is seen at the next edge. All decisions below are made
// combinationally from the registered state and the inputs just before the edge, and take
// effect at the edge.
//
// Reference policy: at every edge, for every die g, in this order:
//   1. Take this edge's page-class requests of die g into its queue, in lane order, while the
//      queue holds fewer than cfg_queue_depth requests (the others are refused for now).
//   2. If die g may start a page command (die_ready[g], no page command of g in flight after this
//      edge's completions, no planned command of g waiting for an issue lane) and the queue is
//      not empty: plan one command from the queue head:
//      - multi-plane run: the head and the following requests with the same op, the same block
//        and (not for ERASE) the same page, each on a plane not yet in the run, at most
//        cfg_max_planes requests; if the run has > 1 request it is the command;
//      - else if the head is a READ and cfg_cache_read: the longest run of READs from the head on
//        the same plane and block with consecutive pages (page, page+1, ...), pages = count;
//      - else a single-request command.
//      Remove the served requests from the queue.
//   3. Take further refused requests of die g now that the queue has room (still lane order).
//   4. Every stream-class request is taken and issued at this edge with count 1 if it gets an
//      issue lane; otherwise it is refused and stays on its lane.
//   Issue lanes (those with cmd_ready high) are filled in this order: stream-class commands in
//   request-lane order, then page commands by ascending g. A page command planned in step 2 that
//   finds no free lane waits, already removed from the queue, and is issued first thing for its
//   die at a later edge (by the same ordering); its die plans nothing new meanwhile.
//   A page command in flight for die g is the one last issued to g until a completion lane with
//   a page-class op, g and its tag arrives. With kvnand's transactor that completion and the
//   rise of die_ready[g] are seen at the same edge, so the check adds no delay; it keeps a stale
//   die_ready from starting a second page command on a die.
//
// Implementation: two files. kvnand_scheduler_die.v holds one die's part (module
// kvnand_scheduler_die, instantiated per tracked die by a generate loop here): its circular request
// queue of QUEUE_CAPACITY entries {op, planes, block, page, tag} with head and length, the planning
// of its page command (steps 1-3), a planned command waiting for an issue lane, and its page
// command in flight. Requests arriving at an edge are visible to that edge's plan before they are
// stored; planning scans from the head only as far as a run can still grow, so an edge costs
// O(DIES * LANES) plus the length of the runs. This file holds the top module: one always @*
// classifies the request and completion lanes for the dies, one always @* assigns the issue lanes
// (step 4, then the dies' commands by ascending g), tells each die whether its command was issued
// and computes req_ready and the next registered outputs (blocking assignments to *_next), and one
// always @(posedge clk or negedge rst_n) stores them. A die's command never depends on whether it
// gets an issue lane, so there is no combinational loop between the two files.
// ---------------------------------------------------------------------------------------------

module kvnand_scheduler #(
  parameter integer LANES = 8,
  parameter integer DIES = 16,
  parameter integer QUEUE_CAPACITY = 64
) (
  clk, rst_n,
  cfg_dies_per_channel, cfg_queue_depth, cfg_max_planes, cfg_cache_read,
  req_valid, req_ready, req_op, req_channel, req_die, req_planes, req_block, req_page, req_pages,
  req_tag,
  die_ready,
  cmd_valid, cmd_ready, cmd_op, cmd_channel, cmd_die, cmd_planes, cmd_block, cmd_page, cmd_pages,
  cmd_count, cmd_tag,
  cpl_valid, cpl_op, cpl_channel, cpl_die, cpl_tag,
  active, inflight
);
  localparam OP_W = 4;
  localparam CH_W = 8;
  localparam DIE_W = 8;
  localparam PLANES_W = 64;
  localparam BLOCK_W = 32;
  localparam PAGE_W = 32;
  localparam PAGES_W = 32;
  localparam COUNT_W = 16;
  localparam TAG_W = 16;
  localparam DEPTH_W = 16;
  localparam MAXPL_W = 8;
  localparam INFLIGHT_W = 16;
  // channel * dies_per_channel + die < 2^(CH_W + DIE_W)
  localparam GLOBAL_W = CH_W + DIE_W;
  localparam LANE_W = LANES > 1 ? $clog2(LANES) : 1;
  localparam LANES_W = $clog2(LANES + 1);
  // The parameters as sized constants for the comparisons they take part in.
  localparam [LANES_W-1:0]  LANES_COUNT = LANES[LANES_W-1:0];
  localparam [GLOBAL_W-1:0] DIES_GLOBAL = DIES[GLOBAL_W-1:0];

  localparam [OP_W-1:0] OP_READ = 4'd0;
  localparam [OP_W-1:0] OP_PROGRAM = 4'd1;
  localparam [OP_W-1:0] OP_ERASE = 4'd2;
  localparam [OP_W-1:0] OP_BROADCAST = 4'd8;
  localparam [OP_W-1:0] OP_READ_PAGES = 4'd12;

  input                         clk;
  input                         rst_n;
  input  [CH_W-1:0]             cfg_dies_per_channel;
  input  [DEPTH_W-1:0]          cfg_queue_depth;
  input  [MAXPL_W-1:0]          cfg_max_planes;
  input                         cfg_cache_read;
  input  [LANES-1:0]            req_valid;
  output reg [LANES-1:0]        req_ready;
  input  [LANES*OP_W-1:0]       req_op;
  input  [LANES*CH_W-1:0]       req_channel;
  input  [LANES*DIE_W-1:0]      req_die;
  input  [LANES*PLANES_W-1:0]   req_planes;
  input  [LANES*BLOCK_W-1:0]    req_block;
  input  [LANES*PAGE_W-1:0]     req_page;
  input  [LANES*PAGES_W-1:0]    req_pages;
  input  [LANES*TAG_W-1:0]      req_tag;
  input  [DIES-1:0]             die_ready;
  output reg [LANES-1:0]        cmd_valid;
  input  [LANES-1:0]            cmd_ready;
  output reg [LANES*OP_W-1:0]     cmd_op;
  output reg [LANES*CH_W-1:0]     cmd_channel;
  output reg [LANES*DIE_W-1:0]    cmd_die;
  output reg [LANES*PLANES_W-1:0] cmd_planes;
  output reg [LANES*BLOCK_W-1:0]  cmd_block;
  output reg [LANES*PAGE_W-1:0]   cmd_page;
  output reg [LANES*PAGES_W-1:0]  cmd_pages;
  output reg [LANES*COUNT_W-1:0]  cmd_count;
  output reg [LANES*TAG_W-1:0]    cmd_tag;
  input  [LANES-1:0]            cpl_valid;
  input  [LANES*OP_W-1:0]       cpl_op;
  input  [LANES*CH_W-1:0]       cpl_channel;
  input  [LANES*DIE_W-1:0]      cpl_die;
  input  [LANES*TAG_W-1:0]      cpl_tag;
  output reg                    active;
  output reg [INFLIGHT_W-1:0]   inflight;

  function is_page_op(input [OP_W-1:0] op);
    is_page_op = op == OP_READ || op == OP_PROGRAM || op == OP_ERASE;
  endfunction

  function is_stream_op(input [OP_W-1:0] op);
    is_stream_op = op >= OP_BROADCAST && op <= OP_READ_PAGES;
  endfunction

  function [GLOBAL_W-1:0] global_die(input [CH_W-1:0] channel, input [DIE_W-1:0] die,
                                     input [CH_W-1:0] dies_per_channel);
    global_die = {{DIE_W{1'b0}}, channel} * {{DIE_W{1'b0}}, dies_per_channel} +
                 {{CH_W{1'b0}}, die};
  endfunction

  // ---- next registered outputs (the state is the dies' and these outputs) -------------------
  reg [LANES-1:0]          cmd_valid_next;
  reg [LANES*OP_W-1:0]     cmd_op_next;
  reg [LANES*CH_W-1:0]     cmd_channel_next;
  reg [LANES*DIE_W-1:0]    cmd_die_next;
  reg [LANES*PLANES_W-1:0] cmd_planes_next;
  reg [LANES*BLOCK_W-1:0]  cmd_block_next;
  reg [LANES*PAGE_W-1:0]   cmd_page_next;
  reg [LANES*PAGES_W-1:0]  cmd_pages_next;
  reg [LANES*COUNT_W-1:0]  cmd_count_next;
  reg [LANES*TAG_W-1:0]    cmd_tag_next;
  reg                      active_next;
  reg [INFLIGHT_W-1:0]     inflight_next;

  // ---- the dies (die g's fields packed: its command's op is die_op[g*OP_W +: OP_W]) ----------
  reg [DIES*LANES-1:0]     die_req_mine;  // bit g*LANES + l: lane l has a page-class request of g
  reg [DIES*LANES-1:0]     die_cpl_mine;  // bit g*LANES + l: lane l has a page-class completion of g
  wire [DIES*LANES-1:0]    die_take;      // bit g*LANES + l: die g's queue takes lane l's request
  wire [DIES-1:0]          die_valid;     // die g has a page command for this edge
  reg  [DIES-1:0]          die_grant;     // it gets an issue lane at this edge
  wire [DIES*OP_W-1:0]     die_op;
  wire [DIES*PLANES_W-1:0] die_planes;
  wire [DIES*BLOCK_W-1:0]  die_block;
  wire [DIES*PAGE_W-1:0]   die_page;
  wire [DIES*PAGES_W-1:0]  die_pages;
  wire [DIES*COUNT_W-1:0]  die_count;
  wire [DIES*TAG_W-1:0]    die_tag;

  // ---- combinational temporaries: every one gets a default at the top of its always @* block --
  reg [GLOBAL_W-1:0] lane_g [0:LANES-1];
  reg [LANES-1:0]    lane_page;    // valid page-class request of a tracked die
  reg [LANES-1:0]    lane_stream;  // valid stream-class request of a tracked die
  reg [GLOBAL_W-1:0] cpl_g;
  reg [LANES_W-1:0]  slot;         // next issue lane to try
  reg [INFLIGHT_W-1:0] issued, completed;
  reg [CH_W-1:0]     g_channel;    // channel and die of global die index g
  reg [DIE_W-1:0]    g_die;
  integer cl, cg;  // loop indices of the classifying block
  integer l, g;    // and of the issuing block

  // Classify the request and completion lanes for the dies.
  always @* begin
    die_req_mine = {DIES*LANES{1'b0}};
    die_cpl_mine = {DIES*LANES{1'b0}};
    cpl_g = {GLOBAL_W{1'b0}};
    for (cl = 0; cl < LANES; cl = cl + 1) begin
      lane_g[cl] = global_die(req_channel[cl*CH_W +: CH_W], req_die[cl*DIE_W +: DIE_W],
                              cfg_dies_per_channel);
      lane_page[cl] = req_valid[cl] && lane_g[cl] < DIES_GLOBAL && is_page_op(req_op[cl*OP_W +: OP_W]);
      lane_stream[cl] = req_valid[cl] && lane_g[cl] < DIES_GLOBAL && is_stream_op(req_op[cl*OP_W +: OP_W]);
      cpl_g = global_die(cpl_channel[cl*CH_W +: CH_W], cpl_die[cl*DIE_W +: DIE_W], cfg_dies_per_channel);
      for (cg = 0; cg < DIES; cg = cg + 1) begin
        if (lane_page[cl] && lane_g[cl] == cg[GLOBAL_W-1:0]) die_req_mine[cg*LANES + cl] = 1'b1;
        if (cpl_valid[cl] && cpl_g == cg[GLOBAL_W-1:0] && is_page_op(cpl_op[cl*OP_W +: OP_W]))
          die_cpl_mine[cg*LANES + cl] = 1'b1;
      end
    end
  end

  // Steps 1-3 and the die's waiting or planned command, per die.
  genvar gd;
  generate
    for (gd = 0; gd < DIES; gd = gd + 1) begin : gen_die
      kvnand_scheduler_die #(.LANES(LANES), .QUEUE_CAPACITY(QUEUE_CAPACITY)) u_die (
        .clk(clk), .rst_n(rst_n),
        .cfg_queue_depth(cfg_queue_depth), .cfg_max_planes(cfg_max_planes),
        .cfg_cache_read(cfg_cache_read),
        .die_ready(die_ready[gd]),
        .req_mine(die_req_mine[gd*LANES +: LANES]), .req_take(die_take[gd*LANES +: LANES]),
        .req_op(req_op), .req_planes(req_planes), .req_block(req_block), .req_page(req_page),
        .req_tag(req_tag),
        .cpl_mine(die_cpl_mine[gd*LANES +: LANES]), .cpl_tag(cpl_tag),
        .cmd_valid(die_valid[gd]), .cmd_grant(die_grant[gd]),
        .cmd_op(die_op[gd*OP_W +: OP_W]), .cmd_planes(die_planes[gd*PLANES_W +: PLANES_W]),
        .cmd_block(die_block[gd*BLOCK_W +: BLOCK_W]), .cmd_page(die_page[gd*PAGE_W +: PAGE_W]),
        .cmd_pages(die_pages[gd*PAGES_W +: PAGES_W]), .cmd_count(die_count[gd*COUNT_W +: COUNT_W]),
        .cmd_tag(die_tag[gd*TAG_W +: TAG_W]));
    end
  endgenerate

  // Issue lanes: step 4 first, then the dies' page commands by ascending g.
  always @* begin
    req_ready = {LANES{1'b0}};
    die_grant = {DIES{1'b0}};
    cmd_valid_next = {LANES{1'b0}};
    cmd_op_next = {LANES*OP_W{1'b0}};
    cmd_channel_next = {LANES*CH_W{1'b0}};
    cmd_die_next = {LANES*DIE_W{1'b0}};
    cmd_planes_next = {LANES*PLANES_W{1'b0}};
    cmd_block_next = {LANES*BLOCK_W{1'b0}};
    cmd_page_next = {LANES*PAGE_W{1'b0}};
    cmd_pages_next = {LANES*PAGES_W{1'b0}};
    cmd_count_next = {LANES*COUNT_W{1'b0}};
    cmd_tag_next = {LANES*TAG_W{1'b0}};
    active_next = 1'b0;
    issued = {INFLIGHT_W{1'b0}};
    completed = {INFLIGHT_W{1'b0}};
    slot = {LANES_W{1'b0}};
    g_channel = {CH_W{1'b0}};
    g_die = {DIE_W{1'b0}};

    // Step 4 first: stream-class commands take the free issue lanes, in request-lane order.
    for (l = 0; l < LANES; l = l + 1) begin
      if (lane_stream[l]) begin
        while (slot < LANES_COUNT && !cmd_ready[slot[LANE_W-1:0]]) slot = slot + 1'b1;
        if (slot < LANES_COUNT) begin
          req_ready[l] = 1'b1;
          cmd_valid_next[slot[LANE_W-1:0]] = 1'b1;
          cmd_op_next[slot*OP_W +: OP_W] = req_op[l*OP_W +: OP_W];
          cmd_channel_next[slot*CH_W +: CH_W] = req_channel[l*CH_W +: CH_W];
          cmd_die_next[slot*DIE_W +: DIE_W] = req_die[l*DIE_W +: DIE_W];
          cmd_planes_next[slot*PLANES_W +: PLANES_W] = req_planes[l*PLANES_W +: PLANES_W];
          cmd_block_next[slot*BLOCK_W +: BLOCK_W] = req_block[l*BLOCK_W +: BLOCK_W];
          cmd_page_next[slot*PAGE_W +: PAGE_W] = req_page[l*PAGE_W +: PAGE_W];
          cmd_pages_next[slot*PAGES_W +: PAGES_W] = req_pages[l*PAGES_W +: PAGES_W];
          cmd_count_next[slot*COUNT_W +: COUNT_W] = {{COUNT_W-1{1'b0}}, 1'b1};
          cmd_tag_next[slot*TAG_W +: TAG_W] = req_tag[l*TAG_W +: TAG_W];
          issued = issued + 1'b1;
          slot = slot + 1'b1;
        end else begin
          active_next = 1'b1;
        end
      end
    end

    // The dies' queues take their page-class requests; their commands go onto the next free lane,
    // or wait and the clock keeps going.
    for (g = 0; g < DIES; g = g + 1) begin
      req_ready = req_ready | die_take[g*LANES +: LANES];
      if (die_valid[g]) begin
        while (slot < LANES_COUNT && !cmd_ready[slot[LANE_W-1:0]]) slot = slot + 1'b1;
        if (slot < LANES_COUNT) begin
          cmd_valid_next[slot[LANE_W-1:0]] = 1'b1;
          cmd_op_next[slot*OP_W +: OP_W] = die_op[g*OP_W +: OP_W];
          cmd_channel_next[slot*CH_W +: CH_W] = g_channel;
          cmd_die_next[slot*DIE_W +: DIE_W] = g_die;
          cmd_planes_next[slot*PLANES_W +: PLANES_W] = die_planes[g*PLANES_W +: PLANES_W];
          cmd_block_next[slot*BLOCK_W +: BLOCK_W] = die_block[g*BLOCK_W +: BLOCK_W];
          cmd_page_next[slot*PAGE_W +: PAGE_W] = die_page[g*PAGE_W +: PAGE_W];
          cmd_pages_next[slot*PAGES_W +: PAGES_W] = die_pages[g*PAGES_W +: PAGES_W];
          cmd_count_next[slot*COUNT_W +: COUNT_W] = die_count[g*COUNT_W +: COUNT_W];
          cmd_tag_next[slot*TAG_W +: TAG_W] = die_tag[g*TAG_W +: TAG_W];
          die_grant[g] = 1'b1;
          issued = issued + 1'b1;
          slot = slot + 1'b1;
        end else begin
          active_next = 1'b1;
        end
      end

      // Channel and die of g + 1 (g = channel * cfg_dies_per_channel + die).
      g_die = g_die + 1'b1;
      if (g_die == cfg_dies_per_channel) begin
        g_die = {DIE_W{1'b0}};
        g_channel = g_channel + 1'b1;
      end
    end

    if (issued != {INFLIGHT_W{1'b0}}) active_next = 1'b1;
    // Every completion lane counts one.
    for (l = 0; l < LANES; l = l + 1)
      if (cpl_valid[l]) completed = completed + 1'b1;
    inflight_next = inflight + issued - completed;
  end

  always @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      cmd_valid <= {LANES{1'b0}};
      cmd_op <= {LANES*OP_W{1'b0}};
      cmd_channel <= {LANES*CH_W{1'b0}};
      cmd_die <= {LANES*DIE_W{1'b0}};
      cmd_planes <= {LANES*PLANES_W{1'b0}};
      cmd_block <= {LANES*BLOCK_W{1'b0}};
      cmd_page <= {LANES*PAGE_W{1'b0}};
      cmd_pages <= {LANES*PAGES_W{1'b0}};
      cmd_count <= {LANES*COUNT_W{1'b0}};
      cmd_tag <= {LANES*TAG_W{1'b0}};
      active <= 1'b0;
      inflight <= {INFLIGHT_W{1'b0}};
    end else begin
      cmd_valid <= cmd_valid_next;
      cmd_op <= cmd_op_next;
      cmd_channel <= cmd_channel_next;
      cmd_die <= cmd_die_next;
      cmd_planes <= cmd_planes_next;
      cmd_block <= cmd_block_next;
      cmd_page <= cmd_page_next;
      cmd_pages <= cmd_pages_next;
      cmd_count <= cmd_count_next;
      cmd_tag <= cmd_tag_next;
      active <= active_next;
      inflight <= inflight_next;
    end
  end
endmodule
