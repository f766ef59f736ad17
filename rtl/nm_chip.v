// nm_chip - MeshX x MeshY cores, each with its router; tick barrier; APB slave;
// host input at the west port of core (0,0); off-chip output queue; spike trace.
// docs/chip.md is the specification.
module nm_chip #(
  parameter MeshX      = 4,
  parameter MeshY      = 4,
  parameter NumAxons   = 256,
  parameter NumNeurons = 256,
  parameter FifoDepth  = 4,
  parameter OutDepth   = 16
) (
  input  wire                      clk_i,
  input  wire                      rst_ni,
  // tick protocol (the harness may also start ticks through APB CTRL.TICK)
  input  wire                      tick_i,
  output wire                      tick_done_o,
  output wire                      busy_o,
  output wire                      overrun_o,
  // host input: packets enter the west input of core (0,0)
  input  wire                      host_valid_i,
  output wire                      host_ready_o,
  input  wire [29:0]               host_flit_i,
  // off-chip output queue
  output wire                      off_valid_o,
  input  wire                      off_ready_i,
  output wire [29:0]               off_flit_o,
  output wire [1:0]                off_side_o,   // 0 east, 1 west, 2 north, 3 south
  output wire [7:0]                off_pos_o,    // y for east/west, x for north/south
  output wire [31:0]               off_tick_o,
  // spike trace: every core, every cycle
  output wire [MeshX*MeshY-1:0]    trace_valid_o,
  output wire [MeshX*MeshY*8-1:0]  trace_neuron_o,
  // AMBA APB slave
  input  wire                      psel_i,
  input  wire                      penable_i,
  input  wire                      pwrite_i,
  input  wire [31:0]               paddr_i,
  input  wire [31:0]               pwdata_i,
  output reg  [31:0]               prdata_o,
  output wire                      pready_o,
  output reg                       pslverr_o
);
  `include "nm_chipmap.vh"

  localparam NumCores = MeshX * MeshY;
  localparam FlitW    = 30;
  localparam NumEdges = 2 * MeshY + 2 * MeshX;   // east, west, north, south edge links
  localparam EdgeW    = (NumEdges > 1) ? $clog2(NumEdges) : 1;
  localparam OutW     = FlitW + 2 + 8 + 32;      // flit, side, pos, tick
  localparam CoreW    = (NumCores > 1) ? $clog2(NumCores) : 1;

  // ------------------------------------------------------------------ cores and routers
  // Router ports: 0 local, 1 east, 2 west, 3 north, 4 south (see nm_router).
  wire [4:0]         r_in_valid  [0:NumCores-1];
  wire [4:0]         r_in_ready  [0:NumCores-1];
  wire [5*FlitW-1:0] r_in_flit   [0:NumCores-1];
  wire [4:0]         r_out_valid [0:NumCores-1];
  wire [4:0]         r_out_ready [0:NumCores-1];
  wire [5*FlitW-1:0] r_out_flit  [0:NumCores-1];
  wire [NumCores-1:0] r_idle, c_busy;
  wire [NumCores-1:0] c_cfg_rvalid, c_cfg_err;
  wire [31:0]         c_cfg_rdata [0:NumCores-1];
  wire [31:0]         r_cnt       [0:NumCores-1];

  // APB decode (below) drives these.
  reg  [NumCores-1:0] c_cfg_req;
  reg  [NumCores-1:0] r_cnt_we;
  wire                core_tick;

  // Edge links: index e. East edge y -> e = y, west y -> MeshY + y,
  // north x -> 2*MeshY + x, south x -> 2*MeshY + MeshX + x.
  wire [NumEdges-1:0] edge_valid;
  wire [NumEdges-1:0] edge_ready;
  wire [FlitW-1:0]    edge_flit [0:NumEdges-1];

  wire             host_ready;
  wire             host_in_valid;   // the host input mux (below): router (0,0)'s west input
  wire [FlitW-1:0] host_in_flit;

  genvar gx, gy;
  generate
    for (gy = 0; gy < MeshY; gy = gy + 1) begin : g_row
      for (gx = 0; gx < MeshX; gx = gx + 1) begin : g_col
        localparam integer C = gy * MeshX + gx;
        wire [8:0] dx, dy;
        wire [7:0] axon;
        wire [3:0] delay;

        // Clock gating (docs/chip.md section 9): a router whose state cannot change at
        // the next edge gets no clock edge: it may change only when a flit is offered to
        // it or held in it, or a counter is written. (The cores are not gated: they are
        // busy almost every cycle of a tick, and a gate per core cost more simulation
        // time than it saved; docs/performance.md.)
        // The router's inputs. Router (0,0) takes the host input at its west port
        // straight from the host input mux (below), not through r_in_valid/r_in_flit:
        // a cycle-based simulator schedules an unpacked array as one signal, so one
        // element fed by the chip's pins would make every router's input logic be
        // re-evaluated at every change of the pins (docs/performance.md).
        wire [4:0]         rin_valid;
        wire [5*FlitW-1:0] rin_flit;
        if (C == 0) begin : g_host_port
          assign rin_valid = {r_in_valid[C][4:3], host_in_valid, r_in_valid[C][1:0]};
          assign rin_flit  = {r_in_flit[C][FlitW*3 +: 2*FlitW], host_in_flit, r_in_flit[C][0 +: 2*FlitW]};
        end else begin : g_mesh_port
          assign rin_valid = r_in_valid[C];
          assign rin_flit  = r_in_flit[C];
        end
        wire r_en = (|rin_valid) || !r_idle[C] || r_cnt_we[C];
        wire r_gclk;
        nm_icg u_router_icg (.clk_i(clk_i), .en_i(r_en), .gclk_o(r_gclk));

        nm_core #(.NumAxons(NumAxons), .NumNeurons(NumNeurons)) u_core (
          .clk_i           (clk_i),
          .rst_ni          (rst_ni),
          .tick_i          (core_tick),
          /* verilator lint_off PINCONNECTEMPTY */
          // the chip's barrier watches busy_o; the core's one-cycle DONE pulse is not needed
          .tick_done_o     (),
          /* verilator lint_on PINCONNECTEMPTY */
          .busy_o          (c_busy[C]),
          .pkt_in_valid_i  (r_out_valid[C][0]),
          .pkt_in_ready_o  (r_out_ready[C][0]),
          .pkt_in_axon_i   (r_out_flit[C][25:18]),
          .pkt_in_delay_i  (r_out_flit[C][29:26]),
          .pkt_out_valid_o (r_in_valid[C][0]),
          .pkt_out_ready_i (r_in_ready[C][0]),
          .pkt_out_dx_o    (dx),
          .pkt_out_dy_o    (dy),
          .pkt_out_axon_o  (axon),
          .pkt_out_delay_o (delay),
          .trace_valid_o   (trace_valid_o[C]),
          .trace_neuron_o  (trace_neuron_o[8*C +: 8]),
          .cfg_req_i       (c_cfg_req[C]),
          .cfg_we_i        (pwrite_i),
          .cfg_addr_i      (paddr_i[17:2]),
          .cfg_wdata_i     (pwdata_i),
          .cfg_rvalid_o    (c_cfg_rvalid[C]),
          .cfg_rdata_o     (c_cfg_rdata[C]),
          .cfg_err_o       (c_cfg_err[C])
        );
        assign r_in_flit[C][FlitW*0 +: FlitW] = {delay, axon, dy, dx};

        nm_router #(.FifoDepth(FifoDepth)) u_router (
          .clk_i       (r_gclk),
          .rst_ni      (rst_ni),
          .in_valid_i  (rin_valid),
          .in_ready_o  (r_in_ready[C]),
          .in_flit_i   (rin_flit),
          .out_valid_o (r_out_valid[C]),
          .out_ready_i (r_out_ready[C]),
          .out_flit_o  (r_out_flit[C]),
          .idle_o      (r_idle[C]),
          .cnt_sel_i   (paddr_i[4:2]),
          .cnt_o       (r_cnt[C]),
          .cnt_we_i    (r_cnt_we[C]),
          .cnt_wdata_i (pwdata_i)
        );

        // East output -> east neighbour's west input, or off chip.
        if (gx < MeshX - 1) begin : g_e
          assign r_in_valid[C+1][2]             = r_out_valid[C][1];
          assign r_in_flit[C+1][FlitW*2 +: FlitW] = r_out_flit[C][FlitW*1 +: FlitW];
          assign r_out_ready[C][1]              = r_in_ready[C+1][2];
        end else begin : g_e_edge
          assign edge_valid[gy]        = r_out_valid[C][1];
          assign edge_flit[gy]         = r_out_flit[C][FlitW*1 +: FlitW];
          assign r_out_ready[C][1]     = edge_ready[gy];
        end
        // West output -> west neighbour's east input, or off chip.
        if (gx > 0) begin : g_w
          assign r_in_valid[C-1][1]             = r_out_valid[C][2];
          assign r_in_flit[C-1][FlitW*1 +: FlitW] = r_out_flit[C][FlitW*2 +: FlitW];
          assign r_out_ready[C][2]              = r_in_ready[C-1][1];
        end else begin : g_w_edge
          assign edge_valid[MeshY+gy]    = r_out_valid[C][2];
          assign edge_flit[MeshY+gy]     = r_out_flit[C][FlitW*2 +: FlitW];
          assign r_out_ready[C][2]       = edge_ready[MeshY+gy];
        end
        // North output -> north neighbour's south input, or off chip.
        if (gy < MeshY - 1) begin : g_n
          assign r_in_valid[C+MeshX][4]                 = r_out_valid[C][3];
          assign r_in_flit[C+MeshX][FlitW*4 +: FlitW]   = r_out_flit[C][FlitW*3 +: FlitW];
          assign r_out_ready[C][3]                      = r_in_ready[C+MeshX][4];
        end else begin : g_n_edge
          assign edge_valid[2*MeshY+gx]  = r_out_valid[C][3];
          assign edge_flit[2*MeshY+gx]   = r_out_flit[C][FlitW*3 +: FlitW];
          assign r_out_ready[C][3]       = edge_ready[2*MeshY+gx];
        end
        // South output -> south neighbour's north input, or off chip.
        if (gy > 0) begin : g_s
          assign r_in_valid[C-MeshX][3]                 = r_out_valid[C][4];
          assign r_in_flit[C-MeshX][FlitW*3 +: FlitW]   = r_out_flit[C][FlitW*4 +: FlitW];
          assign r_out_ready[C][4]                      = r_in_ready[C-MeshX][3];
        end else begin : g_s_edge
          assign edge_valid[2*MeshY+MeshX+gx] = r_out_valid[C][4];
          assign edge_flit[2*MeshY+MeshX+gx]  = r_out_flit[C][FlitW*4 +: FlitW];
          assign r_out_ready[C][4]            = edge_ready[2*MeshY+MeshX+gx];
        end
        // Inputs from outside the mesh: only the host, at the west port of (0,0).
        if (gx == MeshX - 1) begin : g_e_in
          assign r_in_valid[C][1]               = 1'b0;
          assign r_in_flit[C][FlitW*1 +: FlitW] = {FlitW{1'b0}};
        end
        if (gx == 0) begin : g_w_in
          if (gy == 0) begin : g_host
            // the router takes valid and flit from the host input mux (g_host_port)
            assign r_in_valid[C][2]               = 1'b0;
            assign r_in_flit[C][FlitW*2 +: FlitW] = {FlitW{1'b0}};
            assign host_ready = r_in_ready[C][2];
          end else begin : g_none
            assign r_in_valid[C][2]               = 1'b0;
            assign r_in_flit[C][FlitW*2 +: FlitW] = {FlitW{1'b0}};
          end
        end
        if (gy == MeshY - 1) begin : g_n_in
          assign r_in_valid[C][3]               = 1'b0;
          assign r_in_flit[C][FlitW*3 +: FlitW] = {FlitW{1'b0}};
        end
        if (gy == 0) begin : g_s_in
          assign r_in_valid[C][4]               = 1'b0;
          assign r_in_flit[C][FlitW*4 +: FlitW] = {FlitW{1'b0}};
        end
      end
    end
  endgenerate

  // ------------------------------------------------------------------ chip state
  localparam ChipIdle = 1'b0, ChipRun = 1'b1;
  reg         state_q, state_d;
  reg  [31:0] tick_count_q;      // ticks completed = number of the tick running
  reg  [31:0] cyc_q;             // cycles of the tick running
  reg  [31:0] last_cycles_q;
  reg  [31:0] rt_period_q;
  reg         overrun_q;
  reg  [31:0] overrun_tick_q;
  wire        apb_tick;          // CTRL.TICK written
  wire        apb_host_push;     // HOST_IN written
  wire        rt_wr;             // RT_PERIOD written

  // The barrier: every core idle, every router FIFO empty, no host packet waiting.
  // (mesh_idle reads only registers, so a cycle-based simulator computes it once after
  // the clock edge; only the AND with the host pin is redone at every change of the
  // pins. The metacomment keeps Verilator from folding it back into `drained`; other
  // tools read a comment. docs/performance.md, fourth step.)
  wire mesh_idle /* verilator public_flat_rd */ = !(|c_busy) && (&r_idle);
  wire drained   = mesh_idle && !host_valid_i;
  // A tick request waits until host packets sent before it have landed, so that a
  // host packet with delay 1 is integrated in the tick that follows it.
  reg  pend_q;
  wire tick_req  = tick_i || apb_tick || pend_q;
  assign core_tick = (state_q == ChipIdle) && tick_req && drained;
  wire done    = (state_q == ChipRun) && drained;
  assign tick_done_o = done;
  assign busy_o      = (state_q == ChipRun) || pend_q;
  assign overrun_o   = overrun_q;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) pend_q <= 1'b0;
    else         pend_q <= (state_q == ChipIdle) && tick_req && !drained;
  end

  always @* begin
    state_d = state_q;
    if (core_tick) state_d = ChipRun;
    else if (done) state_d = ChipIdle;
  end

  // cycles of a tick: from the cycle after the tick pulse to the tick_done cycle
  wire [31:0] tick_cycles = cyc_q + 32'd1;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q        <= ChipIdle;
      tick_count_q   <= 32'd0;
      cyc_q          <= 32'd0;
      last_cycles_q  <= 32'd0;
      overrun_q      <= 1'b0;
      overrun_tick_q <= 32'd0;
    end else begin
      state_q <= state_d;
      if (core_tick) cyc_q <= 32'd0;
      else if (state_q == ChipRun) cyc_q <= tick_cycles;
      if (done) begin
        tick_count_q  <= tick_count_q + 32'd1;
        last_cycles_q <= tick_cycles;
        if (rt_period_q != 32'd0 && tick_cycles > rt_period_q && !overrun_q) begin
          overrun_q      <= 1'b1;
          overrun_tick_q <= tick_count_q;
        end
      end
      if (rt_wr) overrun_q <= 1'b0;   // writing RT_PERIOD re-arms the flag
    end
  end

  // ------------------------------------------------------------------ off-chip queue
  reg  [EdgeW-1:0] edge_last_q, edge_pick;
  reg              edge_any;
  reg  [EdgeW:0]   ecand;
  integer k;
  always @* begin
    edge_any  = 1'b0;
    edge_pick = {EdgeW{1'b0}};
    ecand     = {(EdgeW+1){1'b0}};
    // (skipped when no edge link offers a flit: nothing to pick)
    if (|edge_valid) for (k = 1; k <= NumEdges; k = k + 1) begin
      ecand = {1'b0, edge_last_q} + k[EdgeW:0];
      if (ecand >= NumEdges[EdgeW:0]) ecand = ecand - NumEdges[EdgeW:0];
      if (!edge_any && edge_valid[ecand[EdgeW-1:0]]) begin
        edge_any  = 1'b1;
        edge_pick = ecand[EdgeW-1:0];
      end
    end
  end

  wire       out_full, out_empty;
  wire       out_push = edge_any && !out_full;
  reg  [1:0] pick_side;
  reg  [7:0] pick_pos;
  wire [7:0]  pick8  = {{(8-EdgeW){1'b0}}, edge_pick};   // NumEdges <= 256
  wire [31:0] pick32 = {24'd0, pick8};
  always @* begin
    if (pick32 < MeshY) begin
      pick_side = 2'd0; pick_pos = pick8;
    end else if (pick32 < 2 * MeshY) begin
      pick_side = 2'd1; pick_pos = pick8 - MeshY[7:0];
    end else if (pick32 < 2 * MeshY + MeshX) begin
      pick_side = 2'd2; pick_pos = pick8 - 2 * MeshY[7:0];
    end else begin
      pick_side = 2'd3; pick_pos = pick8 - 2 * MeshY[7:0] - MeshX[7:0];
    end
  end

  generate
    for (gx = 0; gx < NumEdges; gx = gx + 1) begin : g_edge_ready
      assign edge_ready[gx] = out_push && (edge_pick == gx);
    end
  endgenerate

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) edge_last_q <= NumEdges[EdgeW-1:0] - 1'b1;
    else if (out_push) edge_last_q <= edge_pick;
  end

  wire [OutW-1:0] out_head;
  wire            apb_out_pop;
  nm_fifo #(.Width(OutW), .Depth(OutDepth)) u_out (
    .clk_i   (clk_i),
    .rst_ni  (rst_ni),
    .push_i  (out_push),
    .data_i  ({tick_count_q, pick_pos, pick_side, edge_flit[edge_pick]}),
    .pop_i   ((off_ready_i || apb_out_pop) && !out_empty),   // OUT_POP on empty: no-op
    .data_o  (out_head),
    .empty_o (out_empty),
    .full_o  (out_full)
  );
  assign off_valid_o = !out_empty;
  assign off_flit_o  = out_head[FlitW-1:0];
  assign off_side_o  = out_head[FlitW +: 2];
  assign off_pos_o   = out_head[FlitW+2 +: 8];
  assign off_tick_o  = out_head[FlitW+10 +: 32];

  // ------------------------------------------------------------------ host input mux
  // (router (0,0)'s west input: g_host_port above)
  assign host_in_valid = host_valid_i || apb_host_push;
  assign host_in_flit  = apb_host_push ? pwdata_i[FlitW-1:0] : host_flit_i;
  assign host_ready_o  = host_ready && !apb_host_push;

  // ------------------------------------------------------------------ APB slave
  // Zero wait states: a core access is issued to the core in the setup phase and its
  // response (one cycle later) is returned in the access phase.
  localparam [1:0] SpaceCore = `NM_CHIP_REGION_CORE, SpaceRouter = `NM_CHIP_REGION_ROUTER,
                   SpaceChip = `NM_CHIP_REGION_CHIP;

  wire        setup   = psel_i && !penable_i;
  wire        access  = psel_i && penable_i;
  wire [1:0]  space   = paddr_i[31:30];
  wire [11:0] index   = paddr_i[29:18];
  wire [15:0] offset  = paddr_i[17:2];
  wire        aligned = (paddr_i[1:0] == 2'b00);
  wire        idx_ok  = ({20'd0, index} < NumCores);
  wire [CoreW-1:0] cidx = index[CoreW-1:0];     // valid when idx_ok
  wire        chip_wr = access && pwrite_i && aligned && space == SpaceChip && index == 12'd0;

  assign pready_o      = 1'b1;
  assign apb_tick      = chip_wr && offset == `NM_CHIP_CHIP_CTRL && pwdata_i[0];
  assign apb_host_push = chip_wr && offset == `NM_CHIP_CHIP_HOST_IN && host_ready;
  assign rt_wr         = chip_wr && offset == `NM_CHIP_CHIP_RT_PERIOD;
  assign apb_out_pop   = chip_wr && offset == `NM_CHIP_CHIP_OUT_POP;

  integer c;
  always @* begin
    c_cfg_req = {NumCores{1'b0}};
    r_cnt_we  = {NumCores{1'b0}};
    // (decoded only during an APB transfer: off the per-cycle path)
    if (psel_i && aligned) for (c = 0; c < NumCores; c = c + 1) begin
      if (index == c[11:0]) begin
        c_cfg_req[c] = setup && space == SpaceCore;
        r_cnt_we[c]  = access && pwrite_i && space == SpaceRouter && offset < `NM_CHIP_ROUTER_NREGS;
      end
    end
  end

  always @* begin
    prdata_o  = 32'd0;
    pslverr_o = 1'b0;
    if (access) begin
      if (!aligned) begin
        pslverr_o = 1'b1;
      end else begin
        case (space)
          SpaceCore: begin
            if (!idx_ok) pslverr_o = 1'b1;
            else begin
              prdata_o  = c_cfg_rdata[cidx];
              pslverr_o = c_cfg_err[cidx] || !c_cfg_rvalid[cidx];
            end
          end
          SpaceRouter: begin
            if (!idx_ok || offset >= `NM_CHIP_ROUTER_NREGS) pslverr_o = 1'b1;
            else if (!pwrite_i) prdata_o = r_cnt[cidx];
          end
          SpaceChip: begin
            if (index != 12'd0) pslverr_o = 1'b1;
            else case (offset)
              `NM_CHIP_CHIP_ID:          if (pwrite_i) pslverr_o = 1'b1; else prdata_o = `NM_CHIP_CHIP_ID_VALUE_RESET;
              `NM_CHIP_CHIP_GEOMETRY:    if (pwrite_i) pslverr_o = 1'b1;
                                  else prdata_o = {16'd0, MeshY[7:0], MeshX[7:0]};
              `NM_CHIP_CHIP_CTRL:        prdata_o = 32'd0;
              `NM_CHIP_CHIP_STATUS:      if (pwrite_i) pslverr_o = 1'b1;
                                  else prdata_o = {27'd0, drained, !host_ready, !out_empty,
                                                   overrun_q, busy_o};
              `NM_CHIP_CHIP_TICK_COUNT:   if (pwrite_i) pslverr_o = 1'b1; else prdata_o = tick_count_q;
              `NM_CHIP_CHIP_LAST_CYCLES:  if (pwrite_i) pslverr_o = 1'b1; else prdata_o = last_cycles_q;
              `NM_CHIP_CHIP_RT_PERIOD:    prdata_o = pwrite_i ? 32'd0 : rt_period_q;
              `NM_CHIP_CHIP_OVERRUN_TICK: if (pwrite_i) pslverr_o = 1'b1; else prdata_o = overrun_tick_q;
              `NM_CHIP_CHIP_HOST_IN:      if (pwrite_i && !host_ready) pslverr_o = 1'b1;
              `NM_CHIP_CHIP_OUT_INFO:     if (pwrite_i) pslverr_o = 1'b1;
                                  else prdata_o = {16'd0, off_pos_o, 5'd0, off_side_o, !out_empty};
              `NM_CHIP_CHIP_OUT_FLIT:     if (pwrite_i) pslverr_o = 1'b1;
                                  else prdata_o = {2'd0, off_flit_o};
              `NM_CHIP_CHIP_OUT_TICK:     if (pwrite_i) pslverr_o = 1'b1; else prdata_o = off_tick_o;
              `NM_CHIP_CHIP_OUT_POP:      prdata_o = 32'd0;
              default:            pslverr_o = 1'b1;
            endcase
          end
          default: pslverr_o = 1'b1;
        endcase
      end
    end
  end

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) rt_period_q <= 32'd0;
    else if (rt_wr) rt_period_q <= pwdata_i;
  end

`ifdef NM_ASSERT
  // Simulation-only checks (docs/verification.md): never synthesized.
  // The barrier: tick_done only when no core works, no router holds or offers a
  // flit and no host packet waits. Checked on the pins of every core and router,
  // independently of the `drained` term that produces tick_done.
  reg  [NumCores-1:0] a_core_busy, a_core_sends, a_router_holds;
  integer ac;
  always @* begin
    for (ac = 0; ac < NumCores; ac = ac + 1) begin
      a_core_busy[ac]    = c_busy[ac];
      a_core_sends[ac]   = r_in_valid[ac][0];
      a_router_holds[ac] = !r_idle[ac] || (|r_out_valid[ac]);
    end
  end
  always @(posedge clk_i or negedge rst_ni) begin
    if (rst_ni) begin
      if (tick_done_o &&
          ((|a_core_busy) || (|a_core_sends) || (|a_router_holds) || host_valid_i)) begin
        $display("nm_assert: %m: tick_done while work is pending in tick %0d (busy cores %b, sending cores %b, routers with flits %b, host packet %b)",
                 tick_count_q, a_core_busy, a_core_sends, a_router_holds, host_valid_i);
        $stop;
      end
    end
  end
`endif
endmodule
